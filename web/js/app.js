import { ApiError, savedToken, saveToken } from './api.js';
import { h, mount } from './dom.js';
import { setupGlobalSearch } from './globalSearch.js';
import { currentRoute, DEFAULT_RANGE, updateParams } from './state.js';
import * as alerts from './views/alerts.js';
import * as health from './views/health.js';
import * as logs from './views/logs.js';
import * as metrics from './views/metrics.js';
import * as services from './views/services.js';
import * as traces from './views/traces.js';
import * as workflows from './views/workflows.js';

const VIEWS = { traces, services, metrics, workflows, alerts, health, logs };
const AUTO_REFRESH_MS = 10_000;
const AUTO_KEY = 'pgtel.autoRefresh';

const main = document.getElementById('main');
const rangeSelect = document.getElementById('range');
const autoButton = document.getElementById('auto-refresh');
let renderId = 0;
let timer;

function tokenForm(message) {
  const input = h('input', {
    type: 'password',
    id: 'token-input',
    autocomplete: 'off',
    placeholder: 'API token',
    value: savedToken(),
  });
  return h(
    'form',
    {
      class: 'panel token-form',
      onsubmit: (event) => {
        event.preventDefault();
        saveToken(input.value.trim());
        render();
      },
    },
    h('h2', {}, 'This pgtel needs an API token'),
    h('p', {}, message, ' Enter the token set with PGTEL_API_TOKEN; it is kept for this browser tab only.'),
    h('label', { for: 'token-input' }, 'Token '),
    input,
    ' ',
    h('button', { type: 'submit' }, 'Save'),
  );
}

function errorPanel(error) {
  if (error instanceof ApiError && error.status === 401) return tokenForm(error.message);
  return h(
    'section',
    { class: 'panel error', role: 'alert' },
    h(
      'h2',
      {},
      error instanceof ApiError && error.status === 0 ? 'Cannot reach pgtel' : 'Something went wrong',
    ),
    h('p', {}, error.message),
  );
}

/** Renders the view of the current route; a newer render discards an older one still loading. */
async function render({ quiet = false } = {}) {
  const id = ++renderId;
  const route = currentRoute();
  const name = VIEWS[route.path[0]] ? route.path[0] : 'traces';
  for (const link of document.querySelectorAll('.views a')) {
    link.toggleAttribute('aria-current', link.dataset.view === name);
    if (link.dataset.view === name) link.setAttribute('aria-current', 'page');
  }
  rangeSelect.value = route.params.get('range') ?? DEFAULT_RANGE;
  const scroll = window.scrollY;
  const target = document.createElement('div');
  target.className = 'view';
  if (!quiet) mount(main, h('p', { class: 'loading' }, 'Loading…'));
  try {
    await VIEWS[name].render(target, route);
  } catch (error) {
    mount(target, errorPanel(error));
    if (!(error instanceof ApiError)) console.error(error);
  }
  if (id !== renderId) return;
  mount(main, target);
  document.title = `pgtel · ${name}`;
  if (quiet) window.scrollTo(0, scroll);
}

function setAutoRefresh(on) {
  clearInterval(timer);
  localStorage.setItem(AUTO_KEY, on ? 'on' : 'off');
  autoButton.setAttribute('aria-pressed', String(on));
  autoButton.textContent = on ? 'Auto-refresh on' : 'Auto-refresh off';
  if (on)
    timer = setInterval(() => {
      // Never pull a form out from under someone typing in it.
      if (document.activeElement?.closest?.('main form, main input, main select, main textarea')) return;
      render({ quiet: true });
    }, AUTO_REFRESH_MS);
}

// A range key replaces a range picked on a chart.
rangeSelect.addEventListener('change', () => updateParams({ range: rangeSelect.value, from: '', to: '' }));
document.getElementById('refresh').addEventListener('click', () => render({ quiet: true }));
autoButton.addEventListener('click', () =>
  setAutoRefresh(autoButton.getAttribute('aria-pressed') !== 'true'),
);
document
  .getElementById('token')
  .addEventListener('click', () => mount(main, tokenForm('Set or change the token.')));
window.addEventListener('hashchange', () => render());
document.addEventListener('keydown', (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const typing = event.target.closest?.('input, select, textarea');
  // Escape closes what is open: the span details.
  if (event.key === 'Escape' && currentRoute().params.has('span')) {
    updateParams({ span: '' });
    return;
  }
  if (typing) return;
  const names = Object.keys(VIEWS);
  if (/^[1-9]$/.test(event.key) && names[Number(event.key) - 1])
    location.hash = `#/${names[Number(event.key) - 1]}`;
  else if (event.key === 'r') render({ quiet: true });
  else if (event.key === '/') {
    event.preventDefault();
    document.getElementById('global-search').focus();
  }
});

setupGlobalSearch(document.getElementById('global-search'), document.getElementById('global-search-results'));
setAutoRefresh(localStorage.getItem(AUTO_KEY) === 'on');
render();
