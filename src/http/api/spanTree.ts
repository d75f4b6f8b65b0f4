/** The fields of a span the tree needs; spans must come sorted by start time. */
export interface TreeSpan {
  spanId: string;
  parentSpanId: string | null;
}

/** Where a span sits in its trace's tree. */
export interface TreePosition {
  /** 0 for a root. */
  depth: number;
  childCount: number;
  /** The span names a parent that is not in the trace (not received yet, or dropped). */
  missingParent: boolean;
}

/**
 * Orders a trace's spans for a waterfall: depth first, each span followed by its children in start
 * order. Spans whose parent is absent become roots (marked `missingParent`); a parent cycle in
 * corrupt data cannot loop, every span is emitted exactly once. Recursion is as deep as the tree,
 * so callers bound the span count.
 */
export function orderSpanTree<S extends TreeSpan>(spans: readonly S[]): (S & TreePosition)[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of spans) {
    const parent = span.parentSpanId;
    if (parent !== null && parent !== span.spanId && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else roots.push(span);
  }
  const out: (S & TreePosition)[] = [];
  const emitted = new Set<S>();
  const visit = (span: S, depth: number) => {
    if (emitted.has(span)) return;
    emitted.add(span);
    const kids = children.get(span.spanId) ?? [];
    out.push({
      ...span,
      depth,
      childCount: kids.length,
      missingParent: span.parentSpanId !== null && depth === 0 && span.parentSpanId !== span.spanId,
    });
    for (const child of kids) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  // Spans only reachable through a cycle: show them as roots rather than lose them.
  for (const span of spans) if (!emitted.has(span)) visit(span, 0);
  return out;
}
