import { api } from '../api.js';
import { badge, formatAgo, formatNumber, formatTime, h, mount, table } from '../dom.js';
import { routeHref } from '../state.js';
import { renderAlertDetail } from './alertDetail.js';
import { levelsText, renderAlertRules, ruleSourcesHelp, sourceText } from './alertRules.js';

const ACTOR_KEY = 'pgtel.actor';
const SILENCE_CHOICES = [
  ['1 hour', 3_600_000],
  ['4 hours', 14_400_000],
  ['1 day', 86_400_000],
];

function labelChips(labels) {
  return Object.entries(labels ?? {})
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`));
}

function actor() {
  return localStorage.getItem(ACTOR_KEY) || 'dashboard';
}

/** Matchers silencing exactly this alert instance (its labels but severity, which may change). */
function matchersOf(alert) {
  const labels = { alertname: alert.rule, ...alert.labels };
  return Object.entries(labels)
    .filter(([k]) => k !== 'severity')
    .map(([name, value]) => ({ name, value, op: '=' }));
}

/** The rule name, linking to the episode's detail when it has a stored `alerts` row. */
function alertName(alert) {
  const name = h('strong', {}, alert.rule);
  return alert.alertId === null
    ? name
    : h('a', { href: routeHref(['alerts', String(alert.alertId)]), 'data-alert-id': alert.alertId }, name);
}

/**
 * `#/alerts`: firing alerts with acknowledge and silence, recently resolved ones, silences, state
 * history and rules; `#/alerts/<alertId>`: one episode and its links.
 */
export async function render(
  target,
  route,
  rerender = () => window.dispatchEvent(new HashChangeEvent('hashchange')),
) {
  if (route.path[1] === 'rules') return renderAlertRules(target);
  if (route.path[1]) return renderAlertDetail(target, route.path[1]);
  const [{ alerts: active }, { alerts: resolved }, { history }, { rules }, { silences }] = await Promise.all([
    api.get('alerts'),
    api.get('alerts', { state: 'resolved' }),
    api.get('alerts/history', { limit: 50 }),
    api.get('alerts/rules'),
    api.get('silences'),
  ]);
  // nodata and error are their own states: a rule that cannot see its data is not firing.
  const alerts = active.filter((a) => a.state === 'firing');
  const unknown = active.filter((a) => a.state !== 'firing');
  const status = h('p', { class: 'action-status', role: 'status' });
  const run = async (what, action) => {
    status.textContent = `${what}…`;
    try {
      await action();
      status.textContent = `${what}: done.`;
      rerender();
    } catch (error) {
      status.textContent = `${what} failed: ${error.message}`;
      status.classList.add('err-text');
    }
  };
  const actorInput = h('input', { id: 'actor', value: actor(), size: 14, autocomplete: 'name' });
  actorInput.addEventListener('change', () => localStorage.setItem(ACTOR_KEY, actorInput.value.trim()));

  const silenceForm = (alert) => {
    const duration = h(
      'select',
      { 'aria-label': 'Silence for' },
      SILENCE_CHOICES.map(([label, ms]) => h('option', { value: ms }, label)),
    );
    const comment = h('input', { placeholder: 'why (optional)', 'aria-label': 'Comment', size: 18 });
    const form = h(
      'form',
      { class: 'inline-form' },
      'for ',
      duration,
      ' ',
      comment,
      ' ',
      h('button', { type: 'submit' }, 'Silence'),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run(`Silencing ${alert.rule}`, () =>
        api.post('silences', {
          matchers: matchersOf(alert),
          durationMs: Number(duration.value),
          createdBy: actorInput.value.trim() || 'dashboard',
          comment: comment.value.trim() || undefined,
        }),
      );
    });
    return form;
  };

  const firing = alerts.length
    ? table(
        [
          { label: 'Severity', cell: (a) => (a.severity ? badge(a.severity) : badge(a.state)) },
          {
            label: 'Alert',
            cell: (a) => [
              alertName(a),
              ' ',
              labelChips(a.labels),
              a.annotations?.summary ? h('div', { class: 'muted small' }, a.annotations.summary) : null,
            ],
          },
          {
            label: 'State',
            cell: (a) => [
              badge(a.state),
              a.flapping ? [' ', badge('flapping', 'warn')] : null,
              a.silencedBy !== null ? [' ', badge(`silenced (#${a.silencedBy})`, 'info')] : null,
            ],
          },
          {
            label: 'Value',
            class: 'num',
            cell: (a) => (a.error ? h('span', { class: 'err-text' }, a.error) : formatNumber(a.value)),
          },
          {
            label: 'Since',
            cell: (a) =>
              a.firingSince ? h('span', { title: formatTime(a.firingSince) }, formatAgo(a.firingSince)) : '–',
          },
          {
            label: 'Actions',
            cell: (a) => {
              const ack = a.acknowledgedBy
                ? h(
                    'span',
                    { class: 'muted', 'data-testid': 'acknowledged' },
                    `acknowledged by ${a.acknowledgedBy}`,
                  )
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      disabled: a.alertId === null,
                      'data-testid': 'acknowledge',
                      onclick: () =>
                        run(`Acknowledging ${a.rule}`, () =>
                          api.post(`alerts/${a.alertId}/acknowledge`, {
                            by: actorInput.value.trim() || 'dashboard',
                          }),
                        ),
                    },
                    'Acknowledge',
                  );
              const details = h(
                'details',
                { class: 'silence' },
                h('summary', {}, 'Silence…'),
                silenceForm(a),
              );
              return [ack, ' ', details];
            },
          },
        ],
        alerts,
        {
          label: 'Firing alerts',
          rowAttrs: (a) => ({ 'data-alert-id': a.alertId, class: `sev-${a.severity}` }),
        },
      )
    : h(
        'section',
        { class: 'empty', 'data-testid': 'no-alerts' },
        h('h2', {}, 'Nothing is firing'),
        rules.length
          ? h('p', {}, `${rules.length} rule${rules.length === 1 ? '' : 's'} evaluated, none firing.`)
          : [h('p', {}, 'No alert rules yet. Rules are added with:'), ruleSourcesHelp()],
      );

  mount(
    target,
    h('h1', {}, 'Alerts'),
    h('p', { class: 'actor' }, h('label', { for: 'actor' }, 'Acting as '), actorInput, status),
    h('h2', {}, `Firing (${alerts.length})`),
    firing,
    unknown.length
      ? [
          h('h2', { 'data-testid': 'unknown-heading' }, `No data or error (${unknown.length})`),
          table(
            [
              { label: 'State', cell: (a) => badge(a.state) },
              { label: 'Alert', cell: (a) => [alertName(a), ' ', labelChips(a.labels)] },
              {
                label: 'Why',
                cell: (a) =>
                  a.error
                    ? h('span', { class: 'err-text' }, a.error)
                    : 'the rule found no data in its window',
              },
              {
                label: 'Since',
                cell: (a) => h('span', { title: formatTime(a.updatedAt) }, formatAgo(a.updatedAt)),
              },
            ],
            unknown,
            { label: 'Alerts without data or in error', rowAttrs: (a) => ({ 'data-state': a.state }) },
          ),
        ]
      : null,
    resolved.length
      ? [
          h('h2', {}, `Resolved (${resolved.length})`),
          table(
            [
              { label: 'Severity', cell: (a) => (a.severity ? badge(a.severity) : '–') },
              { label: 'Alert', cell: (a) => [alertName(a), ' ', labelChips(a.labels)] },
              { label: 'Last value', class: 'num', cell: (a) => formatNumber(a.value) },
              { label: 'Updated', cell: (a) => formatTime(a.updatedAt) },
            ],
            resolved,
            { label: 'Resolved alerts' },
          ),
        ]
      : null,
    silences.length
      ? [
          h('h2', {}, `Silences (${silences.length})`),
          table(
            [
              {
                label: 'Matchers',
                cell: (s) =>
                  s.matchers.map((m) => h('span', { class: 'chip' }, `${m.name}${m.op ?? '='}${m.value}`)),
              },
              { label: 'Until', cell: (s) => formatTime(s.endsAt) },
              { label: 'By', cell: (s) => s.createdBy },
              { label: 'Comment', cell: (s) => s.comment },
              {
                label: '',
                cell: (s) =>
                  h(
                    'button',
                    {
                      type: 'button',
                      class: 'small',
                      onclick: () => run('Ending silence', () => api.post(`silences/${s.id}/expire`, {})),
                    },
                    'End now',
                  ),
              },
            ],
            silences,
            { label: 'Silences' },
          ),
        ]
      : null,
    h('h2', {}, 'History'),
    history.length
      ? table(
          [
            { label: 'When', cell: (e) => formatTime(e.at) },
            { label: 'Alert', cell: (e) => [h('strong', {}, e.rule), ' ', labelChips(e.labels)] },
            { label: 'Change', cell: (e) => [badge(e.from), ' → ', badge(e.to)] },
            { label: 'Severity', cell: (e) => (e.severity ? badge(e.severity) : '–') },
            {
              label: 'Value',
              class: 'num',
              cell: (e) => (e.error ? h('span', { class: 'err-text' }, e.error) : formatNumber(e.value)),
            },
          ],
          history,
          { label: 'Alert history' },
        )
      : h('p', { class: 'muted' }, 'No state change recorded yet.'),
    h(
      'h2',
      {},
      `Rules (${rules.length}) `,
      h('a', { href: '#/alerts/rules', class: 'small' }, 'rule view →'),
    ),
    rules.length
      ? table(
          [
            { label: 'Rule', cell: (r) => h('strong', {}, r.rule.name) },
            {
              label: 'Source',
              cell: (r) => h('code', {}, sourceText(r.rule.source)),
            },
            { label: 'Levels', cell: (r) => levelsText(r.rule) },
            { label: 'Every', cell: (r) => `${r.rule.intervalMs / 1000} s` },
            { label: 'Last evaluated', cell: (r) => formatAgo(r.lastEvalAt) },
            {
              label: 'Error',
              cell: (r) => (r.lastError ? h('span', { class: 'err-text' }, r.lastError) : ''),
            },
          ],
          rules,
          { label: 'Alert rules' },
        )
      : [h('p', { class: 'muted' }, 'No rules. Rules are added with:'), ruleSourcesHelp()],
  );
}
