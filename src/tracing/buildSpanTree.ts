import type { StoredSpan } from './StoredSpan.js';

/** A stored span with its children: one node of the tree `getTrace` returns. */
export interface SpanNode extends StoredSpan {
  children: SpanNode[];
}

/**
 * Arranges the spans of one trace as a forest: each span under its parent, children by start time.
 * A span whose parent is not among them (a remote caller, a span not stored) becomes a root. Pure.
 */
export function buildSpanTree(spans: readonly StoredSpan[]): SpanNode[] {
  const nodes = new Map<string, SpanNode>();
  for (const span of spans) nodes.set(span.spanId, { ...span, children: [] });
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent =
      node.parentSpanId && node.parentSpanId !== node.spanId ? nodes.get(node.parentSpanId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) =>
    a.startTime.getTime() - b.startTime.getTime() || a.spanId.localeCompare(b.spanId);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}
