// @ts-check
import { api } from '../api.js';
import { badge, colorOf, formatDuration, formatTime, h, keyValues, mount, table } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { LINKED_ALERTS, linkedSections, linkedWorkflowsTable } from '../links.js';
import { logList, severityOf } from '../logLines.js';
import { routeHref, timeRange, updateParams } from '../state.js';

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

async function renderTrace(target, traceId, params) {
  const [trace, linked, { logs }] = await Promise.all([
    /** @type {Promise<import('../api.js').ApiResponse<'GET /traces/:traceId'>>} */ (
      api.get(`traces/${encodeURIComponent(traceId)}`)
    ),
    traceLinks(traceId),
    api.get(`traces/${encodeURIComponent(traceId)}/logs`),
  ]);
  const traceStart = Date.parse(trace.startTime);
  const selected = params.get('span');
  const total = Math.max(trace.durationMs, 0.001);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const detail = h('aside', { class: 'span-detail', 'aria-label': 'Span details' });

  const rows = trace.spans.map((span) => {
    const left = (span.offsetMs / total) * 100;
    const width = Math.max((span.durationMs / total) * 100, 0.3);
    const row = h(
      'button',
      {
        type: 'button',
        class: `wf-row${span.status === 'error' ? ' error' : ''}${span.spanId === selected ? ' selected' : ''}`,
        'data-span-id': span.spanId,
        'data-depth': span.depth,
        'aria-pressed': String(span.spanId === selected),
        onclick: () => updateParams({ span: span.spanId === selected ? '' : span.spanId }),
      },
      h(
        'span',
        { class: 'wf-name', style: { paddingLeft: `${span.depth * 16 + 6}px` } },
        h('span', { class: 'dot', style: { background: colorOf(span.serviceName) } }),
        h('span', { class: 'op' }, span.operationName),
        h('span', { class: 'svc' }, span.serviceName),
        span.status === 'error' ? badge('error') : null,
      ),
      h(
        'span',
        { class: 'wf-track' },
        h('span', {
          class: 'wf-bar',
          style: {
            left: `${left}%`,
            width: `${width}%`,
            background: span.status === 'error' ? undefined : colorOf(span.serviceName),
          },
        }),
        h(
          'span',
          {
            class: 'wf-dur',
            style: left + width > 80 ? { right: `${100 - left}%` } : { left: `calc(${left + width}% + 4px)` },
          },
          formatDuration(span.durationMs),
        ),
        logMarkers(logs, span.spanId, traceStart, total),
      ),
    );
    return row;
  });

  const span = trace.spans.find((s) => s.spanId === selected);
  if (span) mount(detail, spanDetail(span));

  mount(
    target,
    h(
      'p',
      { class: 'crumbs' },
      h('a', { href: routeHref(['traces'], { range: params.get('range') }) }, '← Traces'),
    ),
    h('h1', {}, trace.spans[0] ? `${trace.spans[0].serviceName}: ${trace.spans[0].operationName}` : 'Trace'),
    h(
      'dl',
      { class: 'summary' },
      h('dt', {}, 'Trace id'),
      h('dd', { class: 'mono' }, trace.traceId),
      h('dt', {}, 'Started'),
      h('dd', {}, formatTime(trace.startTime)),
      h('dt', {}, 'Duration'),
      h('dd', {}, formatDuration(trace.durationMs)),
      h('dt', {}, 'Spans'),
      h('dd', {}, `${trace.spanCount}${trace.truncated ? ' (truncated)' : ''}`),
      h('dt', {}, 'Errors'),
      h('dd', {}, trace.errorCount ? badge(String(trace.errorCount), 'error') : '0'),
      h('dt', {}, 'Services'),
      h('dd', {}, trace.services.join(', ')),
    ),
    h('div', { class: 'linked-grid' }, linked),
    h(
      'div',
      { class: 'waterfall', role: 'group', 'aria-label': 'Waterfall of spans' },
      h(
        'div',
        { class: 'wf-axis', 'aria-hidden': 'true' },
        h('span', { class: 'wf-name' }, 'Span'),
        h(
          'span',
          { class: 'wf-track' },
          ticks.map((t) =>
            h(
              'span',
              { class: 'tick', style: { left: `${t * 100}%` } },
              formatDuration(t * trace.durationMs),
            ),
          ),
        ),
      ),
      rows,
    ),
    detail,
    h(
      'section',
      { class: 'panel trace-logs', 'data-testid': 'trace-logs' },
      h('h2', {}, `Logs (${logs.length})`),
      logs.length
        ? logList(logs, { showTrace: false })
        : h('p', { class: 'muted' }, 'No log record of this trace.'),
    ),
  );
  if (span)
    target.querySelector(`[data-span-id="${span.spanId}"]`)?.setAttribute('aria-describedby', 'span-detail');
}

/** A tick on a span's bar per log record written in that span, at the record's time. */
function logMarkers(logs, spanId, traceStart, total) {
  return logs
    .filter((log) => log.spanId === spanId)
    .map((log) =>
      h('span', {
        class: `wf-log sev-${severityOf(log.severityNumber)}`,
        'data-testid': 'span-log-marker',
        title: log.body,
        style: {
          left: `${Math.min(100, Math.max(0, ((Date.parse(log.timestamp) - traceStart) / total) * 100))}%`,
        },
      }),
    );
}

/** The workflows this trace ran or changed, and the alerts it is linked to. */
function traceLinks(traceId) {
  return linkedSections(`traces/${encodeURIComponent(traceId)}`, 'trace', [
    {
      what: 'workflows',
      title: 'Workflows',
      empty: 'No workflow ran in this trace.',
      render: linkedWorkflowsTable,
    },
    LINKED_ALERTS,
  ]);
}

function spanDetail(span) {
  return h(
    'section',
    { class: 'panel', id: 'span-detail', 'data-testid': 'span-detail' },
    h('h2', {}, span.operationName),
    h(
      'dl',
      { class: 'summary' },
      h('dt', {}, 'Service'),
      h('dd', {}, span.serviceName),
      h('dt', {}, 'Kind'),
      h('dd', {}, span.kind),
      h('dt', {}, 'Status'),
      h('dd', {}, badge(span.status), span.statusMessage ? ` ${span.statusMessage}` : ''),
      h('dt', {}, 'Start'),
      h('dd', {}, `+${formatDuration(span.offsetMs)} (${formatTime(span.startTime)})`),
      h('dt', {}, 'Duration'),
      h('dd', {}, formatDuration(span.durationMs)),
      h('dt', {}, 'Span id'),
      h('dd', { class: 'mono' }, span.spanId),
      h('dt', {}, 'Parent'),
      h(
        'dd',
        { class: 'mono' },
        span.parentSpanId ?? 'none (root)',
        span.missingParent ? ' (not stored)' : '',
      ),
    ),
    h('h3', {}, 'Attributes'),
    keyValues(span.attributes),
    h('h3', {}, `Events (${span.events.length})`),
    span.events.length
      ? h(
          'ol',
          { class: 'events' },
          span.events.map((e) =>
            h(
              'li',
              {},
              h('strong', {}, e.name),
              ` at +${formatDuration(Date.parse(e.time) - Date.parse(span.startTime))}`,
              keyValues(e.attributes),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'none'),
    h('h3', {}, `Links (${span.links.length})`),
    span.links.length
      ? h(
          'ul',
          {},
          span.links.map((l) =>
            h(
              'li',
              {},
              h('a', { href: routeHref(['traces', l.traceId]), class: 'mono' }, `${l.traceId} / ${l.spanId}`),
              keyValues(l.attributes),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'none'),
    h('h3', {}, 'Resource'),
    keyValues(span.resource),
  );
}
