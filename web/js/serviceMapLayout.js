/**
 * Where the services of a service map go: columns by call depth (a service is one column right of its
 * furthest caller; calls back along a cycle are ignored for this), rows in order of traffic within a
 * column. Pure: `services` are `{ service, callsIn, callsOut }`, `edges` `{ caller, callee }`.
 */
export function layoutServiceMap(services, edges, { columnGap = 260, rowGap = 96, margin = 24 } = {}) {
  const names = services.map((s) => s.service);
  const column = new Map(names.map((name) => [name, 0]));
  // Relaxation bounded by the number of services: a cycle cannot push columns forever.
  for (let round = 0; round < names.length; round++) {
    let moved = false;
    for (const { caller, callee } of edges) {
      const next = column.get(caller) + 1;
      if (caller !== callee && next < names.length && next > column.get(callee)) {
        column.set(callee, next);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const rows = new Map();
  const nodes = services.map((s) => {
    const c = column.get(s.service);
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    return { ...s, column: c, row: r, x: margin + c * columnGap, y: margin + r * rowGap };
  });
  const columns = Math.max(1, ...[...rows.keys()].map((c) => c + 1));
  const height = Math.max(1, ...rows.values());
  return { nodes, width: 2 * margin + (columns - 1) * columnGap, height: 2 * margin + (height - 1) * rowGap };
}
