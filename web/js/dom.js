/** Tiny DOM and formatting helpers shared by the views. */

/** Creates an element: h('a', { href: '#x', class: 'c', onclick: fn }, 'text', child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces the children of `el`. */
export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** 0.42 ms, 12.3 ms, 1.25 s, 3 min 4 s, 2 h 5 min. */
export function formatDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
  return `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`;
}

/** Local date and time with seconds. */
export function formatTime(value) {
  if (!value) return '–';
  const d = new Date(value);
  return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
}

/** "3 min ago". */
export function formatAgo(value, now = Date.now()) {
  if (!value) return '–';
  const ms = Math.max(0, now - new Date(value).getTime());
  if (ms < 1000) return 'just now';
  return ms < 60_000 ? `${Math.round(ms / 1000)} s ago` : `${formatDuration(ms)} ago`;
}

export function formatNumber(value) {
  if (value === null || value === undefined) return '–';
  if (Math.abs(value) >= 1e6 || (Math.abs(value) < 0.01 && value !== 0)) return value.toExponential(2);
  return Number.isInteger(value)
    ? value.toLocaleString()
    : value.toLocaleString(undefined, { maximumFractionDigits: 3 });
}

/** A stable colour per name (service, series). */
export function colorOf(name) {
  let hash = 0;
  for (const ch of String(name)) hash = (hash * 31 + ch.codePointAt(0)) | 0;
  return `hsl(${Math.abs(hash) % 360} 55% 48%)`;
}

/** A coloured status word: pass/ok/completed green, warn/pending amber, fail/error/failed red. */
export function badge(text, kind = text) {
  return h('span', { class: `badge badge-${kind}` }, text);
}

/**
 * A table from column definitions: [{ label, cell: (row) => node|text, class? }].
 * @template T
 * @param {{ label: string, cell: (row: T) => unknown, class?: string }[]} columns
 * @param {readonly T[]} rows
 * @param {{ label?: string, class?: string, rowAttrs?: (row: T) => Record<string, unknown> }} [options]
 */
export function table(columns, rows, options = {}) {
  return h(
    'table',
    { class: `grid ${options.class ?? ''}`, 'aria-label': options.label },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          options.rowAttrs?.(row) ?? {},
          columns.map((c) => h('td', { class: c.class }, c.cell(row))),
        ),
      ),
    ),
  );
}

/** A key/value list for attributes, resource and metadata. */
export function keyValues(object) {
  const entries = Object.entries(object ?? {});
  if (entries.length === 0) return h('p', { class: 'muted' }, 'none');
  return h(
    'dl',
    { class: 'kv' },
    entries.map(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'string' ? v : JSON.stringify(v))]),
  );
}
