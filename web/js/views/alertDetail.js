import { api } from '../api.js';
import { badge, formatAgo, formatDuration, formatNumber, formatTime, h, mount, table } from '../dom.js';
import { linkedSection, linkedWorkflowsTable, traceLink } from '../links.js';

function linkedTracesTable(traces) {
  return table(
    [
      { label: 'Trace', cell: (t) => traceLink(t.traceId) },
      { label: 'Value', class: 'num', cell: (t) => formatNumber(t.value) },
      { label: 'First seen', cell: (t) => formatTime(t.firstSeenAt) },
      { label: 'Last seen', cell: (t) => formatTime(t.lastSeenAt) },
    ],
    traces,
    { label: 'Linked traces' },
  );
}

function errorOperationsTable(operations) {
  return table(
    [
      {
        label: 'Operation',
        cell: (o) => [h('strong', {}, o.operationName), h('span', { class: 'muted' }, ` ${o.serviceName}`)],
      },
      { label: 'Errors', class: 'num', cell: (o) => badge(String(o.errorCount), 'error') },
      { label: 'Slowest', class: 'num', cell: (o) => formatDuration(o.maxDurationMs) },
      { label: 'First', cell: (o) => formatTime(o.firstAt) },
      { label: 'Last', cell: (o) => formatTime(o.lastAt) },
      {
        label: 'Traces',
        cell: (o) =>
          h(
            'ul',
            { class: 'trace-ids' },
            o.traceIds.map((id) => h('li', {}, traceLink(id, null, `${id.slice(0, 16)}…`))),
          ),
      },
    ],
    operations,
    {
      label: 'Error spans by operation',
      rowAttrs: (o) => ({ 'data-operation': `${o.serviceName}/${o.operationName}` }),
    },
  );
}

/** `#/alerts/<alertId>`: one firing episode, what its evaluation linked, and what failed meanwhile. */
export async function renderAlertDetail(target, alertId) {
  const path = `alerts/${encodeURIComponent(alertId)}`;
  let searched;
  const [{ alert, traces, workflows }, errors] = await Promise.all([
    api.get(`${path}/links`),
    linkedSection({
      title: 'Error spans',
      testId: 'alert-error-spans',
      load: async () => {
        const result = await api.get(`${path}/error-spans`);
        searched = result;
        return result.operations;
      },
      empty: 'No span failed while this alert fired.',
      render: errorOperationsTable,
    }),
  ]);
  if (searched) {
    const before = formatDuration(Date.parse(alert.triggeredAt) - Date.parse(searched.from));
    errors
      .querySelector('h2')
      .after(
        h(
          'p',
          { class: 'muted small' },
          `Spans with status error that started from ${formatTime(searched.from)} (${before} before the alert) to ${formatTime(searched.to)}, most errors first.`,
        ),
      );
  }
  const resolved = Boolean(alert.resolvedAt);
  const listed = (title, testId, items, empty, render) =>
    linkedSection({ title, testId, load: async () => items, empty, render });
  mount(
    target,
    h('p', { class: 'crumbs' }, h('a', { href: '#/alerts' }, '← Alerts')),
    h('h1', {}, alert.title, ' ', badge(alert.severity), ' ', resolved ? badge('resolved') : badge('firing')),
    h(
      'dl',
      { class: 'summary', 'data-testid': 'alert-summary' },
      h('dt', {}, 'Alert id'),
      h('dd', { class: 'mono' }, String(alert.alertId)),
      h('dt', {}, 'Rule'),
      h('dd', {}, alert.ruleName ?? '–'),
      alert.fingerprint ? [h('dt', {}, 'Fingerprint'), h('dd', { class: 'mono' }, alert.fingerprint)] : null,
      h('dt', {}, 'Triggered'),
      h('dd', {}, `${formatTime(alert.triggeredAt)} (${formatAgo(alert.triggeredAt)})`),
      h('dt', {}, resolved ? 'Resolved' : 'Firing for'),
      h(
        'dd',
        {},
        resolved
          ? `${formatTime(alert.resolvedAt)} after ${formatDuration(Date.parse(alert.resolvedAt) - Date.parse(alert.triggeredAt))}`
          : formatDuration(Date.now() - Date.parse(alert.triggeredAt)),
      ),
    ),
    h(
      'div',
      { class: 'linked-grid' },
      await listed(
        'Traces',
        'alert-traces',
        traces,
        'No trace linked: the rule recorded no exemplar or trace id while it fired.',
        linkedTracesTable,
      ),
      await listed(
        'Workflows',
        'alert-workflows',
        workflows,
        'No workflow linked to this alert or its traces.',
        linkedWorkflowsTable,
      ),
    ),
    errors,
  );
}
