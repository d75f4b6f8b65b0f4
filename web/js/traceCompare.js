/**
 * Two traces side by side: their spans matched by service and operation. Pure: each side is a list of
 * spans with `serviceName`, `operationName` and `durationMs`. Returns one row per service + operation,
 * `{ service, operation, a: { count, totalMs }, b: { count, totalMs }, diffMs }` (b − a, total
 * durations), biggest difference first; a side without the pair has count 0.
 */
export function compareTraces(spansA, spansB) {
  const rows = new Map();
  const add = (spans, side) => {
    for (const span of spans) {
      const key = `${span.serviceName}\u0000${span.operationName}`;
      let row = rows.get(key);
      if (!row) {
        row = {
          service: span.serviceName,
          operation: span.operationName,
          a: { count: 0, totalMs: 0 },
          b: { count: 0, totalMs: 0 },
        };
        rows.set(key, row);
      }
      row[side].count += 1;
      row[side].totalMs += span.durationMs;
    }
  };
  add(spansA, 'a');
  add(spansB, 'b');
  return [...rows.values()]
    .map((row) => ({ ...row, diffMs: row.b.totalMs - row.a.totalMs }))
    .sort(
      (x, y) =>
        Math.abs(y.diffMs) - Math.abs(x.diffMs) ||
        x.service.localeCompare(y.service) ||
        x.operation.localeCompare(y.operation),
    );
}

/** Sorts trace search results by `key` (`duration`, `start`, `spans`, `errors`; `-` first for descending). */
export function sortTraces(traces, key) {
  const descending = key.startsWith('-');
  const field = {
    duration: (t) => t.durationMs,
    start: (t) => Date.parse(t.startTime),
    spans: (t) => t.spanCount,
    errors: (t) => t.errorCount,
  }[descending ? key.slice(1) : key];
  if (!field) return traces;
  return [...traces].sort((x, y) => (descending ? field(y) - field(x) : field(x) - field(y)));
}
