import { api } from '../api.js';
import { colorOf, formatDuration, formatTime, h, mount, table } from '../dom.js';
import { routeHref } from '../state.js';
import { compareTraces } from '../traceCompare.js';

function side(trace, label, range) {
  const root = trace.spans[0];
  return h(
    'section',
    { class: 'panel compare-side', 'data-testid': `compare-${label}` },
    h(
      'h2',
      {},
      `${label.toUpperCase()}: `,
      h('a', { href: routeHref(['traces', trace.traceId], { range }), class: 'mono' }, trace.traceId),
    ),
    h('p', {}, root ? `${root.serviceName}: ${root.operationName}` : ''),
    h(
      'p',
      { class: 'muted' },
      `${formatTime(trace.startTime)} · ${formatDuration(trace.durationMs)} · ${trace.spanCount} spans · ${trace.errorCount} errors`,
    ),
  );
}

function signed(ms) {
  if (Math.abs(ms) < 0.0005) return '±0';
  return `${ms > 0 ? '+' : '−'}${formatDuration(Math.abs(ms))}`;
}

function counted({ count, totalMs }) {
  return count ? `${formatDuration(totalMs)}${count > 1 ? ` (${count}×)` : ''}` : '—';
}

/** `#/traces/compare/<a>/<b>`: two traces side by side, spans matched by service and operation. */
export async function renderCompare(target, idA, idB, params) {
  const range = params.get('range');
  const [a, b] = await Promise.all([
    api.get(`traces/${encodeURIComponent(idA ?? '')}`),
    api.get(`traces/${encodeURIComponent(idB ?? '')}`),
  ]);
  const rows = compareTraces(a.spans, b.spans);
  mount(
    target,
    h('p', { class: 'crumbs' }, h('a', { href: routeHref(['traces'], { range }) }, '← Traces')),
    h('h1', {}, 'Compare traces'),
    h('div', { class: 'linked-grid' }, side(a, 'a', range), side(b, 'b', range)),
    h(
      'p',
      { class: 'muted small' },
      'Spans matched by service and operation; durations are the total of the matched spans, B − A.',
    ),
    table(
      [
        {
          label: 'Service',
          cell: (r) => [
            h('span', { class: 'dot', style: { background: colorOf(r.service) } }),
            ` ${r.service}`,
          ],
        },
        { label: 'Operation', cell: (r) => r.operation },
        { label: 'A', class: 'num', cell: (r) => counted(r.a) },
        { label: 'B', class: 'num', cell: (r) => counted(r.b) },
        {
          label: 'B − A',
          class: 'num',
          cell: (r) =>
            h(
              'span',
              { class: r.diffMs > 0 ? 'slower' : r.diffMs < 0 ? 'faster' : undefined },
              signed(r.diffMs),
            ),
        },
      ],
      rows,
      {
        label: 'Matched spans',
        class: 'compare',
        rowAttrs: (r) => ({
          'data-testid': 'compare-row',
          class: !r.a.count ? 'only-b' : !r.b.count ? 'only-a' : undefined,
        }),
      },
    ),
  );
}
