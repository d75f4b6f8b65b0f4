/**
 * The search box of the header (`/`): a trace id or a workflow id goes straight to it; any other text
 * finds services, operations, metrics and alerts by name. The names are loaded when the box is first
 * used and again at each focus.
 */
import { api } from './api.js';
import { h, mount } from './dom.js';
import { routeHref } from './state.js';

const TRACE_ID = /^[0-9a-f]{32}$/i;
const WORKFLOW_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_RESULTS = 12;
/** Services whose operations are listed; a bigger installation finds operations from the trace search. */
const MAX_SERVICES_WITH_OPERATIONS = 20;

/** The places named by a search text: ids first, then names containing every word. Pure. */
export function searchTargets(query, names) {
  const text = query.trim();
  if (!text) return [];
  if (TRACE_ID.test(text))
    return [{ kind: 'trace', label: text.toLowerCase(), href: routeHref(['traces', text.toLowerCase()]) }];
  if (WORKFLOW_ID.test(text))
    return [
      { kind: 'workflow', label: text.toLowerCase(), href: routeHref(['workflows', text.toLowerCase()]) },
    ];
  const words = text.toLowerCase().split(/\s+/);
  return names.filter((n) => words.every((w) => n.label.toLowerCase().includes(w))).slice(0, MAX_RESULTS);
}

async function loadNames() {
  const settle = (promise, fallback) => promise.catch(() => fallback);
  const [{ services }, { metrics }, { alerts }] = await Promise.all([
    settle(api.get('services'), { services: [] }),
    settle(api.get('metrics'), { metrics: [] }),
    settle(api.get('alerts'), { alerts: [] }),
  ]);
  const operations = await Promise.all(
    services
      .slice(0, MAX_SERVICES_WITH_OPERATIONS)
      .map((service) => settle(api.get('operations', { service }), { service, operations: [] })),
  );
  return [
    ...services.map((s) => ({ kind: 'service', label: s, href: routeHref(['traces'], { service: s }) })),
    ...operations.flatMap(({ service, operations: ops }) =>
      ops.map((op) => ({
        kind: 'operation',
        label: `${service}: ${op}`,
        href: routeHref(['traces'], { service, operation: op }),
      })),
    ),
    ...metrics.map((m) => ({
      kind: 'metric',
      label: m.name,
      href: routeHref(['metrics'], { name: m.name }),
    })),
    ...alerts.map((a) => ({
      kind: 'alert',
      label: a.rule,
      href: a.alertId === null ? routeHref(['alerts']) : routeHref(['alerts', String(a.alertId)]),
    })),
  ];
}

/** Wires the header's search `input` and its result list. */
export function setupGlobalSearch(input, list) {
  let names = [];
  let results = [];
  let active = 0;
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
  };
  const go = (target) => {
    if (!target) return;
    location.hash = target.href;
    input.value = '';
    close();
    input.blur();
  };
  const show = () => {
    results = searchTargets(input.value, names);
    active = 0;
    mount(
      list,
      results.length
        ? results.map((r, i) =>
            h(
              'div',
              {
                role: 'option',
                id: `search-result-${i}`,
                'aria-selected': String(i === active),
                'data-kind': r.kind,
                onmousedown: (event) => {
                  event.preventDefault();
                  go(r);
                },
              },
              h('span', { class: 'kind' }, r.kind),
              ` ${r.label}`,
            ),
          )
        : input.value.trim()
          ? h(
              'div',
              { class: 'muted', role: 'option', 'aria-disabled': 'true' },
              'Nothing by that name. Try a trace id, a workflow id or part of a name.',
            )
          : null,
    );
    list.hidden = !input.value.trim();
    input.setAttribute('aria-expanded', String(!list.hidden));
  };
  input.addEventListener('focus', async () => {
    names = await loadNames();
    if (input.value) show();
  });
  input.addEventListener('input', show);
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      go(results[active] ?? searchTargets(input.value, names)[0]);
    } else if (event.key === 'Escape') {
      input.value = '';
      close();
      input.blur();
    } else if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && results.length) {
      event.preventDefault();
      active = (active + (event.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      for (const [i, item] of [...list.children].entries())
        item.setAttribute('aria-selected', String(i === active));
      input.setAttribute('aria-activedescendant', `search-result-${active}`);
    }
  });
}
