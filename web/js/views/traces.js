// @ts-check
import { api } from '../api.js';
import { badge, colorOf, formatDuration, formatTime, h, mount, table } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { replaceParams, routeHref, timeRange, updateParams } from '../state.js';
import { sortTraces } from '../traceCompare.js';
import { durationScatter } from './durationScatter.js';
import { renderCompare } from './traceCompareView.js';
import { renderTrace } from './traceView.js';

const SNIPPET = `import { setupTracing, openDatabase } from 'pgtel';
await setupTracing({ serviceName: 'my-service', db: await openDatabase() });`;

/** `#/traces` (search), `#/traces/<traceId>` (waterfall) and `#/traces/compare/<a>/<b>`. */
export async function render(target, route) {
  if (route.path[1] === 'compare') return renderCompare(target, route.path[2], route.path[3], route.params);
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
    limit: 50,
  };
  const page = /** @type {import('../api.js').ApiResponse<'GET /traces'>} */ (await api.get('traces', query));
  if (services.services.length === 0) {
    return mount(
      target,
      h('h1', {}, 'Traces'),
      emptyState('No traces yet', 'Nothing has sent spans to this pgtel.', { env: true, snippet: SNIPPET }),
    );
  }
  const loaded = [...page.traces];
  const picked = new Set();
  const compare = h(
    'button',
    { type: 'button', disabled: true, 'data-testid': 'compare' },
    'Compare 2 selected',
  );
  compare.addEventListener('click', () => {
    location.hash = routeHref(['traces', 'compare', ...picked], { range: params.get('range') });
  });
  const rows = h('div', {});
  const scatter = h('div', {});
  const renderResults = () => {
    const sort = params.get('sort') ?? '';
    const longest = Math.max(1, ...loaded.map((t) => t.durationMs));
    const sortHeader = (label, key) => {
      const active = sort.replace('-', '') === key;
      const next = active && sort.startsWith('-') ? key : `-${key}`;
      return h(
        'button',
        {
          type: 'button',
          class: 'sort',
          'aria-sort': active ? (sort.startsWith('-') ? 'descending' : 'ascending') : undefined,
          'data-sort': key,
          onclick: () => {
            params.set('sort', next);
            replaceParams({ sort: next });
            renderResults();
          },
        },
        label,
        active ? (sort.startsWith('-') ? ' ▾' : ' ▴') : '',
      );
    };
    mount(scatter, durationScatter(loaded, { from, to, range: params.get('range') }));
    mount(
      rows,
      table(
        [
          {
            label: '',
            cell: (t) =>
              h('input', {
                type: 'checkbox',
                'aria-label': `Compare ${t.traceId}`,
                checked: picked.has(t.traceId),
                onchange: (event) => {
                  if (event.target.checked) picked.add(t.traceId);
                  else picked.delete(t.traceId);
                  compare.disabled = picked.size !== 2;
                },
              }),
          },
          { label: sortHeader('Started', 'start'), cell: (t) => formatTime(t.startTime) },
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
          {
            label: sortHeader('Duration', 'duration'),
            class: 'num',
            cell: (t) => formatDuration(t.durationMs),
          },
          {
            label: '',
            class: 'bar-cell',
            cell: (t) =>
              h('span', {
                class: `mini-bar${t.errorCount ? ' error' : ''}`,
                style: { width: `${Math.max(1, (t.durationMs / longest) * 100)}%` },
              }),
          },
          { label: sortHeader('Spans', 'spans'), class: 'num', cell: (t) => t.spanCount },
          { label: 'Services', cell: (t) => t.services.join(', ') },
          {
            label: sortHeader('Errors', 'errors'),
            class: 'num',
            cell: (t) => (t.errorCount ? badge(String(t.errorCount), 'error') : '0'),
          },
        ],
        sortTraces(loaded, sort),
        { label: 'Traces', class: 'traces', rowAttrs: (t) => ({ 'data-trace-id': t.traceId }) },
      ),
    );
  };
  renderResults();
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'more', hidden: !cursor }, 'Load more');
  more.addEventListener('click', async () => {
    const next = await api.get('traces', { ...query, cursor });
    loaded.push(...next.traces);
    renderResults();
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
      : [scatter, h('p', { class: 'result-actions' }, compare), rows, more],
  );
}
