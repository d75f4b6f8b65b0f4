import { api } from '../api.js';
import { badge, formatAgo, formatDuration, formatTime, h, mount, table } from '../dom.js';

function change(last) {
  return last ? [`${last.from} → ${last.to} `, h('span', { class: 'muted' }, formatAgo(last.at))] : '–';
}

/** `#/health`: the probes and each check's status, duration and last change. */
export async function render(target) {
  const health = await api.get('health');
  mount(
    target,
    h('h1', {}, 'Health ', badge(health.status)),
    h('p', {}, health.message),
    h(
      'div',
      { class: 'cards' },
      Object.entries(health.probes).map(([name, probe]) =>
        h(
          'section',
          { class: `card card-${probe.status}`, 'data-testid': `probe-${name}` },
          h('h2', {}, name),
          badge(probe.status),
          h('p', {}, probe.message),
          h('p', { class: 'muted small' }, 'Last change: ', change(probe.lastChange)),
        ),
      ),
    ),
    h('h2', {}, 'Checks'),
    health.checks.length
      ? table(
          [
            { label: 'Check', cell: (c) => h('strong', {}, c.name) },
            {
              label: 'Status',
              cell: (c) => [
                badge(c.status),
                c.critical ? '' : h('span', { class: 'muted small' }, ' non-critical'),
              ],
            },
            {
              label: 'Message',
              cell: (c) => [c.message, c.error ? h('div', { class: 'err-text small' }, c.error) : null],
            },
            { label: 'Duration', class: 'num', cell: (c) => formatDuration(c.durationMs) },
            { label: 'Checked', cell: (c) => formatTime(c.checkedAt) },
            { label: 'Last change', cell: (c) => change(c.lastChange) },
          ],
          health.checks,
          { label: 'Health checks' },
        )
      : h('p', { class: 'muted' }, 'No checks registered.'),
  );
}
