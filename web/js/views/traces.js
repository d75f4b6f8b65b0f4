// @ts-check
import { api } from '../api.js';
import { badge, colorOf, formatDuration, formatTime, h, mount, table } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { routeHref, timeRange, updateParams } from '../state.js';
import { renderTrace } from './traceView.js';

const SNIPPET = `import { setupTracing, openDatabase } from 'pgtel';
await setupTracing({ serviceName: 'my-service', db: await openDatabase() });`;

/** `#/traces` (search) and `#/traces/<traceId>` (waterfall). */
export async function render(target, route) {
  if (route.path[1]) return renderTrace(target, route.path[1], route.params);
  return renderSearch(target, route.params);
}

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

async function renderSearch(target, params) {
  const { from, to } = timeRange(params);
  const service = params.get('service') ?? '';
  const [services, operations] = await Promise.all([
    /** @type {Promise<import('../api.js').ApiResponse<'GET /services'>>} */ (api.get('services')),
    service ? api.get('operations', { service }) : Promise.resolve({ operations: [] }),
  ]);
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Search traces' });
  const select = (name, options, value) =>
    h(
      'select',
      { name },
      h('option', { value: '' }, 'any'),
      options.map((o) => h('option', { value: o, selected: o === value }, o)),
    );
  form.append(
    field('Service', select('service', services.services, service)),
    field('Operation', select('operation', operations.operations, params.get('operation') ?? '')),
    field('Status', select('status', ['error', 'ok', 'unset'], params.get('status') ?? '')),
    field(
      'Min ms',
      h('input', {
        name: 'minDurationMs',
        inputmode: 'decimal',
        size: 6,
        value: params.get('minDurationMs') ?? '',
      }),
    ),
    field(
      'Max ms',
      h('input', {
        name: 'maxDurationMs',
        inputmode: 'decimal',
        size: 6,
        value: params.get('maxDurationMs') ?? '',
      }),
    ),
    field(
      'Attribute',
      h('input', { name: 'attr', placeholder: 'key:value', size: 18, value: params.get('attr') ?? '' }),
    ),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = Object.fromEntries(new FormData(form));
    updateParams(data);
  });
  // Picking a service reloads its operations.
  form.elements.service.addEventListener('change', () =>
    updateParams({ service: form.elements.service.value, operation: '' }),
  );

  const query = {
    from,
    to,
    service,
    operation: params.get('operation'),
    status: params.get('status'),
    minDurationMs: params.get('minDurationMs'),
    maxDurationMs: params.get('maxDurationMs'),
    attr: params.getAll('attr'),
    limit: 25,
  };
  const page = /** @type {import('../api.js').ApiResponse<'GET /traces'>} */ (await api.get('traces', query));
  if (services.services.length === 0) {
    return mount(
      target,
      h('h1', {}, 'Traces'),
      emptyState('No traces yet', 'Nothing has sent spans to this pgtel.', { env: true, snippet: SNIPPET }),
    );
  }
  const longest = Math.max(1, ...page.traces.map((t) => t.durationMs));
  const rows = h('div', {});
  /** @param {import('../api.js').ApiResponse<'GET /traces'>['traces']} traces */
  const renderRows = (traces) => {
    rows.append(
      table(
        [
          { label: 'Started', cell: (t) => formatTime(t.startTime) },
          {
            label: 'Trace',
            cell: (t) =>
              h(
                'a',
                {
                  href: routeHref(['traces', t.traceId], { range: params.get('range') }),
                  class: 'trace-link',
                },
                h('span', { class: 'dot', style: { background: colorOf(t.rootService) } }),
                `${t.rootService}: ${t.rootOperation}`,
              ),
          },
          { label: 'Duration', class: 'num', cell: (t) => formatDuration(t.durationMs) },
          {
            label: '',
            class: 'bar-cell',
            cell: (t) =>
              h('span', {
                class: `mini-bar${t.errorCount ? ' error' : ''}`,
                style: { width: `${Math.max(1, (t.durationMs / longest) * 100)}%` },
              }),
          },
          { label: 'Spans', class: 'num', cell: (t) => t.spanCount },
          { label: 'Services', cell: (t) => t.services.join(', ') },
          {
            label: 'Errors',
            class: 'num',
            cell: (t) => (t.errorCount ? badge(String(t.errorCount), 'error') : '0'),
          },
        ],
        traces,
        { label: 'Traces', class: 'traces' },
      ),
    );
  };
  renderRows(page.traces);
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'more', hidden: !cursor }, 'Load more');
  more.addEventListener('click', async () => {
    const next = /** @type {import('../api.js').ApiResponse<'GET /traces'>} */ (
      await api.get('traces', { ...query, cursor })
    );
    renderRows(next.traces);
    cursor = next.nextCursor;
    more.hidden = !cursor;
  });
  mount(
    target,
    h('h1', {}, 'Traces'),
    form,
    page.traces.length === 0
      ? h(
          'p',
          { class: 'panel muted', 'data-testid': 'no-results' },
          'No trace matches these filters in this time range. Widen the range or clear a filter.',
        )
      : [rows, more],
  );
}
