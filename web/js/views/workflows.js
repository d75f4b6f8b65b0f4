// @ts-check
import { api } from '../api.js';
import { badge, colorOf, formatAgo, formatDuration, formatTime, h, keyValues, mount, table } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { LINKED_ALERTS, linkedSections, workflowTracesTable } from '../links.js';
import { routeHref, updateParams } from '../state.js';

const STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'];
const SNIPPET = `import { WorkflowStateTracker, openDatabase } from 'pgtel';
const workflows = new WorkflowStateTracker(await openDatabase());
const run = await workflows.createWorkflow({ workflowType: 'nightly_import' });
await workflows.transition(run.workflowId, { status: 'running', phase: 'fetch' });`;

/** `#/workflows` (filtered list) and `#/workflows/<id>` (history timeline). */
export async function render(target, route) {
  if (route.path[1]) return renderWorkflow(target, route.path[1]);
  return renderList(target, route.params);
}

async function renderList(target, params) {
  const query = {
    status: params.get('status'),
    type: params.get('type'),
    stuck: params.get('stuck'),
    limit: 50,
  };
  const page = /** @type {import('../api.js').ApiResponse<'GET /workflows'>} */ (
    await api.get('workflows', query)
  );
  const filtered = query.status || query.type || query.stuck;
  if (page.workflows.length === 0 && !filtered) {
    return mount(
      target,
      h('h1', {}, 'Workflows'),
      emptyState('No workflows yet', 'Track long-running jobs and pipelines with the workflow tracker.', {
        snippet: SNIPPET,
      }),
    );
  }
  const form = h('form', { class: 'filters', 'aria-label': 'Filter workflows' });
  const status = h(
    'select',
    { name: 'status' },
    h('option', { value: '' }, 'any'),
    STATUSES.map((s) => h('option', { value: s, selected: s === query.status }, s)),
  );
  const type = h('input', { name: 'type', placeholder: 'workflow type', value: query.type ?? '' });
  const stuck = h('input', { type: 'checkbox', name: 'stuck', checked: query.stuck === 'true' });
  form.append(
    h('label', { class: 'field' }, h('span', {}, 'Status'), status),
    h('label', { class: 'field' }, h('span', {}, 'Type'), type),
    h('label', { class: 'field check' }, stuck, h('span', {}, 'Stuck only')),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    updateParams({ status: status.value, type: type.value.trim(), stuck: stuck.checked ? 'true' : '' });
  });
  const now = Date.now();
  const columns = [
    { label: 'Type', cell: (w) => h('a', { href: routeHref(['workflows', w.workflowId]) }, w.workflowType) },
    { label: 'Status', cell: (w) => [badge(w.status), w.stuck ? [' ', badge('stuck', 'fail')] : null] },
    { label: 'Phase', cell: (w) => w.currentPhase ?? '–' },
    { label: 'Age', class: 'num', cell: (w) => formatDuration(now - Date.parse(w.createdAt)) },
    {
      label: 'In state for',
      class: 'num',
      cell: (w) => (w.closedAt ? '–' : formatDuration(now - Date.parse(w.phaseEnteredAt))),
    },
    { label: 'Last error', cell: (w) => (w.lastError ? h('span', { class: 'err-text' }, w.lastError) : '') },
    {
      label: 'Trace',
      cell: (w) =>
        h(
          'a',
          { href: routeHref(['traces', w.correlationId]), class: 'mono small' },
          w.correlationId.slice(0, 12),
          '…',
        ),
    },
  ];
  const rows = h('div', {}, table(columns, page.workflows, { label: 'Workflows' }));
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'more', hidden: !cursor }, 'Load more');
  more.addEventListener('click', async () => {
    const next = /** @type {import('../api.js').ApiResponse<'GET /workflows'>} */ (
      await api.get('workflows', { ...query, cursor })
    );
    rows.append(table(columns, next.workflows, { label: 'More workflows' }));
    cursor = next.nextCursor;
    more.hidden = !cursor;
  });
  mount(
    target,
    h('h1', {}, 'Workflows'),
    form,
    page.workflows.length
      ? [rows, more]
      : h('p', { class: 'panel muted' }, 'No workflow matches these filters.'),
  );
}

/** The traces that created or changed the workflow, and the alerts linked to it or to those traces. */
function workflowLinks(id) {
  return linkedSections(`workflows/${encodeURIComponent(id)}`, 'workflow', [
    {
      what: 'traces',
      title: 'Traces',
      empty: 'No stored trace created or changed this workflow.',
      render: workflowTracesTable,
    },
    LINKED_ALERTS,
  ]);
}

async function renderWorkflow(target, id) {
  const [{ workflow, history, phases }, linked] = await Promise.all([
    /** @type {Promise<import('../api.js').ApiResponse<'GET /workflows/:id'>>} */ (
      api.get(`workflows/${encodeURIComponent(id)}`)
    ),
    workflowLinks(id),
  ]);
  const total = Math.max(
    1,
    phases.reduce((sum, p) => sum + p.durationMs, 0),
  );
  const timeline = h(
    'div',
    {
      class: 'phase-bar',
      role: 'img',
      'aria-label': phases.map((p) => `${p.phase ?? 'no phase'} ${formatDuration(p.durationMs)}`).join(', '),
    },
    phases.map((p) =>
      h(
        'span',
        {
          class: `phase${p.leftAt ? '' : ' open'}`,
          'data-testid': 'phase',
          style: {
            flexGrow: String(Math.max(p.durationMs / total, 0.02)),
            background: colorOf(p.phase ?? '-'),
          },
        },
        h('strong', {}, p.phase ?? 'no phase'),
        ` ${formatDuration(p.durationMs)}${p.leftAt ? '' : ' (so far)'}`,
      ),
    ),
  );
  const entries = h(
    'ol',
    { class: 'timeline', 'aria-label': 'History' },
    history.map((e) =>
      h(
        'li',
        { 'data-testid': 'history-entry', 'data-version': e.version, class: `ev-${e.toStatus}` },
        h('time', { datetime: e.at }, formatTime(e.at)),
        h(
          'div',
          {},
          h(
            'strong',
            {},
            e.event === 'created' ? 'created' : e.event === 'stuck' ? 'marked stuck' : 'transition',
          ),
          ' ',
          e.fromStatus && e.fromStatus !== e.toStatus ? [badge(e.fromStatus), ' → '] : null,
          badge(e.toStatus),
          e.toPhase !== null
            ? [
                ' phase ',
                h(
                  'span',
                  { class: 'phase-name' },
                  e.fromPhase && e.fromPhase !== e.toPhase ? `${e.fromPhase} → ${e.toPhase}` : e.toPhase,
                ),
              ]
            : null,
          e.actor ? h('span', { class: 'muted' }, ` by ${e.actor}`) : null,
          e.reason ? h('div', {}, e.reason) : null,
          e.error ? h('div', { class: 'err-text' }, e.error) : null,
          e.traceId
            ? h(
                'div',
                {},
                h(
                  'a',
                  {
                    href: routeHref(['traces', e.traceId], e.spanId ? { span: e.spanId } : {}),
                    class: 'small',
                  },
                  'span of this change',
                ),
              )
            : null,
        ),
      ),
    ),
  );
  mount(
    target,
    h('p', { class: 'crumbs' }, h('a', { href: '#/workflows' }, '← Workflows')),
    h(
      'h1',
      {},
      workflow.workflowType,
      ' ',
      badge(workflow.status),
      workflow.stuck ? [' ', badge('stuck', 'fail')] : null,
    ),
    h(
      'dl',
      { class: 'summary' },
      h('dt', {}, 'Workflow id'),
      h('dd', { class: 'mono' }, workflow.workflowId),
      h('dt', {}, 'Phase'),
      h('dd', {}, workflow.currentPhase ?? '–'),
      h('dt', {}, 'Created'),
      h('dd', {}, `${formatTime(workflow.createdAt)} (${formatAgo(workflow.createdAt)})`),
      h('dt', {}, 'Trace'),
      h(
        'dd',
        {},
        h(
          'a',
          {
            href: routeHref(['traces', workflow.correlationId]),
            class: 'mono',
            'data-testid': 'workflow-trace',
          },
          workflow.correlationId,
        ),
      ),
      workflow.dueAt ? [h('dt', {}, 'Due'), h('dd', {}, formatTime(workflow.dueAt))] : null,
      workflow.lastError
        ? [h('dt', {}, 'Last error'), h('dd', { class: 'err-text' }, workflow.lastError)]
        : null,
    ),
    h('div', { class: 'linked-grid' }, linked),
    h('h2', {}, 'Phases'),
    phases.length ? timeline : h('p', { class: 'muted' }, 'No phase recorded.'),
    h('h2', {}, `History (${history.length})`),
    entries,
    h('h2', {}, 'Metadata'),
    keyValues(workflow.metadata),
  );
}
