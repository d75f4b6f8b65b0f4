/** Sections and tables of the links between traces, workflows and alerts, shared by their views. */
import { ApiError, api } from './api.js';
import { badge, formatDuration, formatTime, h, table } from './dom.js';
import { routeHref } from './state.js';

/**
 * A titled section filled from one API call (`load` resolves to a list): its table, an empty-state
 * line, or the API error. One failing link shows its error in place and never blanks the whole view;
 * a missing token still goes to the token form.
 */
export async function linkedSection({ title, testId, load, empty, render }) {
  const section = h('section', { class: 'linked', 'data-testid': testId });
  try {
    const items = await load();
    section.append(
      h('h2', {}, `${title} (${items.length})`),
      items.length ? render(items) : h('p', { class: 'muted', 'data-testid': `${testId}-empty` }, empty),
    );
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) throw error;
    section.append(
      h('h2', {}, title),
      h(
        'p',
        { class: 'err-text', role: 'alert', 'data-testid': `${testId}-error` },
        `Could not load ${title.toLowerCase()}: ${error.message}`,
      ),
    );
  }
  return section;
}

/**
 * The sections of the lists `GET <path>/<what>` answers as `{ <what>: [...] }`, loaded in parallel:
 * `specs` are `{ what, title, empty, render }`; each section's test id is `<testPrefix>-<what>`.
 */
export function linkedSections(path, testPrefix, specs) {
  return Promise.all(
    specs.map(({ what, title, empty, render }) =>
      linkedSection({
        title,
        testId: `${testPrefix}-${what}`,
        load: async () => (await api.get(`${path}/${what}`))[what],
        empty,
        render,
      }),
    ),
  );
}

/** A trace id as a link to its waterfall, with `spanId` selected when given. */
export function traceLink(traceId, spanId, text = traceId) {
  return h(
    'a',
    {
      href: routeHref(['traces', traceId], spanId ? { span: spanId } : {}),
      class: 'mono',
      'data-trace-id': traceId,
    },
    text,
  );
}

export function alertHref(alertId) {
  return routeHref(['alerts', String(alertId)]);
}

/** Alert episodes (`LinkedAlert`), each linking to its detail. */
export function linkedAlertsTable(alerts) {
  return table(
    [
      { label: 'Severity', cell: (a) => badge(a.severity) },
      {
        label: 'Alert',
        cell: (a) => [
          h('a', { href: alertHref(a.alertId), 'data-alert-id': a.alertId }, a.title),
          a.ruleName ? h('span', { class: 'muted small' }, ` ${a.ruleName}`) : null,
        ],
      },
      { label: 'State', cell: (a) => (a.resolvedAt ? badge('resolved') : badge('firing')) },
      { label: 'Triggered', cell: (a) => formatTime(a.triggeredAt) },
      { label: 'Resolved', cell: (a) => formatTime(a.resolvedAt) },
      { label: 'Linked through', cell: (a) => (a.via === 'workflow' ? 'workflow' : 'trace') },
    ],
    alerts,
    { label: 'Linked alerts' },
  );
}

/** Workflows (`workflowId`, `workflowType`, `status`, `correlationId`, ...), each linking to its timeline. */
export function linkedWorkflowsTable(workflows) {
  return table(
    [
      {
        label: 'Workflow',
        cell: (w) =>
          h(
            'a',
            { href: routeHref(['workflows', w.workflowId]), 'data-workflow-id': w.workflowId },
            w.workflowType,
          ),
      },
      { label: 'Status', cell: (w) => badge(w.status) },
      { label: 'Phase', cell: (w) => w.currentPhase ?? '–' },
      { label: 'Trace', cell: (w) => traceLink(w.correlationId, null, `${w.correlationId.slice(0, 12)}…`) },
      // When the trace touched the workflow: known for a trace's workflows, not for an alert's.
      ...(workflows.some((w) => w.firstSeenAt)
        ? [{ label: 'Seen', cell: (w) => `${formatTime(w.firstSeenAt)} – ${formatTime(w.lastSeenAt)}` }]
        : []),
    ],
    workflows,
    { label: 'Linked workflows' },
  );
}

/** The traces of a workflow (`tracesOfWorkflow`), each linking to its waterfall. */
export function workflowTracesTable(traces) {
  return table(
    [
      {
        label: 'Trace',
        cell: (t) => [
          traceLink(t.traceId, null, t.rootOperation ? `${t.serviceName}: ${t.rootOperation}` : t.traceId),
          t.rootOperation ? h('div', { class: 'mono small muted' }, t.traceId) : null,
        ],
      },
      { label: 'Duration', class: 'num', cell: (t) => formatDuration(t.durationMs) },
      { label: 'Spans', class: 'num', cell: (t) => t.spanCount ?? '–' },
      {
        label: 'Errors',
        class: 'num',
        cell: (t) => (t.errorCount ? badge(String(t.errorCount), 'error') : String(t.errorCount ?? '–')),
      },
      { label: 'First seen', cell: (t) => formatTime(t.firstSeenAt) },
      { label: 'Last seen', cell: (t) => formatTime(t.lastSeenAt) },
    ],
    traces,
    { label: 'Workflow traces' },
  );
}

/** The alerts section of a trace or workflow, for {@link linkedSections}. */
export const LINKED_ALERTS = {
  what: 'alerts',
  title: 'Alerts',
  empty: 'No linked alerts.',
  render: linkedAlertsTable,
};
