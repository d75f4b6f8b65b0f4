import type { SpanNode } from '../../tracing/buildSpanTree.js';
import type { StoredSpan } from '../../tracing/StoredSpan.js';

/** A span placed in a waterfall row. */
export interface WaterfallSpan extends StoredSpan {
  /** 0 for a root, 1 for its children, ... */
  depth: number;
  /** Start relative to the trace's earliest span, in milliseconds. */
  offsetMs: number;
  childCount: number;
  /** The span names a parent that is not stored (a remote caller, a span not received). */
  missingParent: boolean;
}

/**
 * The rows of a trace waterfall: the tree (from `getTrace`) depth first, each span followed by its
 * children in start order. Iterative, so a very deep trace cannot overflow the stack. Pure.
 */
export function flattenSpanTree(roots: readonly SpanNode[]): WaterfallSpan[] {
  const start = Math.min(...roots.map((r) => r.startTime.getTime()));
  const rows: WaterfallSpan[] = [];
  const stack: { node: SpanNode; depth: number }[] = [...roots].reverse().map((node) => ({ node, depth: 0 }));
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { children, ...span } = item.node;
    rows.push({
      ...span,
      depth: item.depth,
      offsetMs: span.startTime.getTime() - start,
      childCount: children.length,
      missingParent: item.depth === 0 && span.parentSpanId !== null,
    });
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, depth: item.depth + 1 });
  }
  return rows;
}
