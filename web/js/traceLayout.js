/**
 * The pure layout of a trace waterfall: which rows show under collapsed spans, the critical path,
 * search matches and where a duration label fits. Spans come depth first (a span, then its subtree),
 * as `GET /api/traces/:id` answers them, each with `depth`, `offsetMs` and `durationMs`.
 */

/**
 * For each span, the index of its parent (-1 for a root) and the index of the last span of its
 * subtree: the subtree of `i` is `i + 1 ..= subtreeEnd[i]`.
 */
export function treeIndex(spans) {
  const parent = new Int32Array(spans.length).fill(-1);
  const subtreeEnd = new Int32Array(spans.length);
  const open = [];
  for (let i = 0; i < spans.length; i++) {
    const depth = spans[i].depth;
    while (open.length > depth) subtreeEnd[open.pop()] = i - 1;
    parent[i] = open.length ? open[open.length - 1] : -1;
    open.push(i);
  }
  while (open.length) subtreeEnd[open.pop()] = spans.length - 1;
  return { parent, subtreeEnd };
}

/** The indexes of the rows to show: every span not inside the subtree of a collapsed one. */
export function visibleRows(spans, subtreeEnd, collapsed) {
  const rows = [];
  for (let i = 0; i < spans.length; i++) {
    rows.push(i);
    if (collapsed.has(i)) i = subtreeEnd[i];
  }
  return rows;
}

/**
 * The spans to collapse so that rows down to `depth` show: every span from that depth on with children,
 * so opening one shows its children only. None for a null `depth`.
 */
export function collapsedAtDepth(spans, subtreeEnd, depth) {
  const collapsed = new Set();
  if (depth === null || depth === undefined) return collapsed;
  spans.forEach((span, i) => {
    if (span.depth >= depth - 1 && subtreeEnd[i] > i) collapsed.add(i);
  });
  return collapsed;
}

/** Removes from `collapsed` every ancestor of `index`, so its row shows. */
export function revealRow(collapsed, parent, index) {
  for (let p = parent[index]; p !== -1; p = parent[p]) collapsed.delete(p);
}

/**
 * The spans on the critical path: from each root, the child that finished last, then the child that
 * finished last before that one started, and so on, walking into each child the same way. These are the
 * spans whose shortening would shorten the trace. Iterative: a deep trace cannot overflow the stack.
 */
export function criticalPath(spans, parent) {
  const children = spans.map(() => []);
  spans.forEach((_, i) => {
    if (parent[i] !== -1) children[parent[i]].push(i);
  });
  const end = (i) => spans[i].offsetMs + spans[i].durationMs;
  const onPath = new Set();
  const stack = [];
  spans.forEach((_, i) => {
    if (parent[i] === -1) stack.push(i);
  });
  while (stack.length) {
    const i = stack.pop();
    onPath.add(i);
    const byEnd = [...children[i]].sort((a, b) => end(b) - end(a));
    let cursor = end(i);
    for (const child of byEnd) {
      // A child still running when its parent ends (async work) counts up to the parent's end.
      if (Math.min(end(child), end(i)) > cursor) continue;
      stack.push(child);
      cursor = spans[child].offsetMs;
    }
  }
  return onPath;
}

/**
 * The indexes of the spans matching a search: every word of `query` (case-insensitive) in the
 * operation, service, span id or an attribute key or value.
 */
export function matchingSpans(spans, query) {
  const words = String(query ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return [];
  const matches = [];
  spans.forEach((span, i) => {
    const text = [
      span.operationName,
      span.serviceName,
      span.spanId,
      ...Object.entries(span.attributes ?? {}).map(
        ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
      ),
    ]
      .join('\n')
      .toLowerCase();
    if (words.every((word) => text.includes(word))) matches.push(i);
  });
  return matches;
}

/**
 * Where a duration label of `labelPx` goes beside a bar on a track of `trackPx`: inside the bar when it
 * fits with padding, else right of the bar, else left of it; the label never leaves the track.
 * Returns `{ place, x }`, `x` the label's left edge in pixels.
 */
export function placeLabel(barLeftPx, barWidthPx, labelPx, trackPx, gapPx = 4) {
  if (barWidthPx >= labelPx + 2 * gapPx)
    return { place: 'inside', x: barLeftPx + barWidthPx - labelPx - gapPx };
  const right = barLeftPx + barWidthPx + gapPx;
  if (right + labelPx <= trackPx) return { place: 'right', x: right };
  const left = barLeftPx - gapPx - labelPx;
  if (left >= 0) return { place: 'left', x: left };
  return { place: 'right', x: Math.max(0, trackPx - labelPx) };
}

/** `[from, to]` (ms from the trace's start) clamped inside the trace and at least `minMs` wide. */
export function clampWindow(from, to, totalMs, minMs = totalMs / 1000) {
  let a = Math.max(0, Math.min(from, to));
  let b = Math.min(totalMs, Math.max(from, to));
  if (b - a < minMs) {
    const mid = (a + b) / 2;
    a = Math.max(0, mid - minMs / 2);
    b = Math.min(totalMs, a + minMs);
    a = Math.max(0, b - minMs);
  }
  return [a, b];
}
