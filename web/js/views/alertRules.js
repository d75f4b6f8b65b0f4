import { api } from '../api.js';
import { badge, formatAgo, formatTime, h, mount, table } from '../dom.js';
import { routeHref } from '../state.js';

/** Where rules come from, for the empty state and the notes: only what exists. */
export function ruleSourcesHelp() {
  return h(
    'ul',
    { class: 'muted', 'data-testid': 'rule-sources' },
    h(
      'li',
      {},
      'a rule file (Prometheus rule-file YAML) given to pgtel serve as PGTEL_RULES_FILE, reloaded on SIGHUP;',
    ),
    h(
      'li',
      {},
      h('code', {}, 'pgtel rules apply rules.yaml'),
      ' (check it first with ',
      h('code', {}, 'pgtel rules check rules.yaml'),
      ');',
    ),
    h('li', {}, 'the API: ', h('code', {}, 'PUT /api/alerts/rules/<name>'), ' with a JSON rule;'),
    h('li', {}, 'code: ', h('code', {}, 'saveAlertRules(db, [...])'), '.'),
  );
}

/**
 * A rule's source in a few words: `sql`, `avg(http_ms)`, `logs(service=api severity>=error q="timeout")`,
 * a PromQL rule's expression.
 */
export function sourceText(source) {
  if (source.kind === 'sql') return 'sql';
  if (source.kind === 'promql') return source.expr;
  if (source.kind !== 'logs') return `${source.kind}(${source.metric})`;
  const filters = [
    source.service && `service=${source.service}`,
    source.severity && `severity>=${source.severity}`,
    source.q && `q=${JSON.stringify(source.q)}`,
  ].filter(Boolean);
  return `logs(${filters.join(' ')})`;
}

/** Each level's severity and threshold; a level without threshold (PromQL) alerts on every series. */
export function levelsText(rule) {
  return rule.levels.map((l) => [
    badge(l.severity),
    l.threshold === undefined ? ' every series ' : ` ${rule.comparison} ${l.threshold} `,
  ]);
}

function alertChip(alert) {
  const labels = Object.entries(alert.labels ?? {})
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const text = [badge(alert.state), labels ? ` ${labels}` : ''];
  return h(
    'li',
    { 'data-alert-state': alert.state },
    alert.alertId === null ? text : h('a', { href: routeHref(['alerts', String(alert.alertId)]) }, text),
  );
}

/** `#/alerts/rules`: every rule (read-only) with its state, last evaluation, last error and its alerts. */
export async function renderAlertRules(target) {
  const [{ rules }, { alerts }] = await Promise.all([
    api.get('alerts/rules'),
    api.get('alerts', { state: 'pending,firing,nodata,error,resolved' }),
  ]);
  const byRule = new Map();
  for (const a of alerts.filter((x) => x.origin === 'rule'))
    byRule.set(a.rule, [...(byRule.get(a.rule) ?? []), a]);
  mount(
    target,
    h('p', { class: 'crumbs' }, h('a', { href: '#/alerts' }, '← Alerts')),
    h('h1', {}, `Alert rules (${rules.length})`),
    rules.length
      ? table(
          [
            { label: 'Rule', cell: (r) => h('strong', {}, r.rule.name) },
            { label: 'State', cell: (r) => badge(r.state, r.state === 'unevaluated' ? 'inactive' : r.state) },
            { label: 'Origin', cell: (r) => (r.group ? `${r.origin} (group ${r.group})` : r.origin) },
            { label: 'Source', cell: (r) => h('code', {}, sourceText(r.rule.source)) },
            { label: 'Levels', cell: (r) => levelsText(r.rule) },
            { label: 'Every', cell: (r) => `${r.rule.intervalMs / 1000} s` },
            {
              label: 'Last evaluation',
              cell: (r) =>
                r.lastEvalAt
                  ? h('span', { title: formatTime(r.lastEvalAt) }, formatAgo(r.lastEvalAt))
                  : 'never',
            },
            {
              label: 'Last error',
              cell: (r) => (r.lastError ? h('span', { class: 'err-text' }, r.lastError) : '–'),
            },
            {
              label: 'Alerts',
              cell: (r) => {
                const mine = byRule.get(r.rule.name) ?? [];
                return mine.length
                  ? h('ul', { class: 'rule-alerts' }, mine.map(alertChip))
                  : h('span', { class: 'muted' }, 'none');
              },
            },
          ],
          rules,
          { label: 'Alert rules', rowAttrs: (r) => ({ 'data-rule': r.rule.name, 'data-state': r.state }) },
        )
      : h(
          'section',
          { class: 'empty', 'data-testid': 'no-rules' },
          h('h2', {}, 'No alert rules yet'),
          h('p', {}, 'Rules are added with:'),
          ruleSourcesHelp(),
        ),
  );
}
