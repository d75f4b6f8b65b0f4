import { api, apiUrl, savedToken } from '../api.js';
import { lineChart } from '../chart.js';
import { h, mount } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { logLine, logList, SEVERITIES, SEVERITY_COLORS } from '../logLines.js';
import { currentRoute, replaceParams, timeRange, updateParams } from '../state.js';

/** The live tail of the page, stopped when the view renders again or the route changes. */
let live;

function stopLive() {
  live?.abort();
  live = undefined;
}
window.addEventListener('hashchange', () => {
  if (currentRoute().path[0] !== 'logs') stopLive();
});

function field(label, control) {
  return h('label', { class: 'field' }, h('span', {}, label), control);
}

/** The filters of the URL as API parameters. */
function filters(params) {
  return {
    q: params.get('q'),
    service: params.get('service'),
    severity: params.get('severity'),
    traceId: params.get('traceId'),
    spanId: params.get('spanId'),
  };
}

/** Reads the live tail (Server-Sent Events over fetch, so the bearer token goes along). */
async function follow(query, signal, onLogs) {
  const headers = { accept: 'text/event-stream' };
  const token = savedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(apiUrl('logs/tail', query), { headers, signal });
  if (!response.ok || !response.body) throw new Error(`the live tail answered ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const lines = block.split('\n');
      const event = lines
        .find((l) => l.startsWith('event:'))
        ?.slice(6)
        .trim();
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart());
      if (event === 'logs') onLogs(JSON.parse(data.join('\n')));
      end = buffer.indexOf('\n\n');
    }
  }
}

/** `#/logs`: search, severity histogram, live tail; every filter in the URL. */
export async function render(target, route) {
  stopLive();
  const params = route.params;
  const { from, to } = timeRange(params);
  const query = { ...filters(params), from, to };
  const [page, histogram, services] = await Promise.all([
    api.get('logs', { ...query, limit: 100 }),
    api.get('logs/histogram', query),
    api.get('logs/services', { from, to }),
  ]);
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Search logs' },
    field(
      'Search',
      h('input', {
        name: 'q',
        type: 'search',
        size: 28,
        placeholder: 'words, "a phrase", -not',
        value: params.get('q') ?? '',
      }),
    ),
    field(
      'Service',
      h('input', { name: 'service', list: 'log-services', size: 14, value: params.get('service') ?? '' }),
    ),
    h(
      'datalist',
      { id: 'log-services' },
      services.services.map((s) => h('option', { value: s })),
    ),
    field(
      'Severity ≥',
      h(
        'select',
        { name: 'severity' },
        h('option', { value: '' }, 'any'),
        SEVERITIES.map((s) => h('option', { value: s, selected: s === params.get('severity') }, s)),
      ),
    ),
    ['traceId', 'spanId'].map((name) =>
      params.get(name) ? h('input', { type: 'hidden', name, value: params.get(name) }) : null,
    ),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    updateParams(Object.fromEntries(new FormData(form)));
  });
  form.elements.severity.addEventListener('change', () => form.requestSubmit());

  const list = logList(page.logs);
  const liveButton = h(
    'button',
    { type: 'button', class: 'live', 'aria-pressed': 'false', 'data-testid': 'live-tail' },
    'Live tail off',
  );
  const liveStatus = h('span', { class: 'muted', role: 'status' });
  const startLive = () => {
    const controller = new AbortController();
    live = controller;
    liveButton.setAttribute('aria-pressed', 'true');
    liveButton.textContent = 'Live tail on';
    liveStatus.textContent = 'following new records…';
    follow(filters(params), controller.signal, (logs) => {
      // Newest first, as the list reads.
      for (const log of logs) list.prepend(logLine(log));
    }).catch((error) => {
      if (!controller.signal.aborted) liveStatus.textContent = `live tail stopped: ${error.message}`;
    });
  };
  // The toggle is kept in the URL, so a refresh of the view (auto-refresh included) follows on.
  liveButton.addEventListener('click', () => {
    if (!live) {
      replaceParams({ live: '1' });
      startLive();
      return;
    }
    stopLive();
    replaceParams({ live: '' });
    liveButton.setAttribute('aria-pressed', 'false');
    liveButton.textContent = 'Live tail off';
    liveStatus.textContent = '';
  });

  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'more', hidden: !cursor }, 'Load more');
  more.addEventListener('click', async () => {
    const next = await api.get('logs', { ...query, limit: 100, cursor });
    for (const log of next.logs) list.append(logLine(log));
    cursor = next.nextCursor;
    more.hidden = !cursor;
  });

  const order = ['unspecified', ...SEVERITIES];
  const series = histogram.series.toSorted((a, b) => order.indexOf(a.severity) - order.indexOf(b.severity));
  const chart =
    series.length > 0
      ? await lineChart({
          title: `Records per ${Math.round(histogram.stepMs / 1000)} s by severity`,
          lines: series.map((s) => ({ label: s.severity, points: s.points })),
          colors: series.map((s) => SEVERITY_COLORS[s.severity]),
          from,
          to,
          width: Math.max(420, Math.min(window.innerWidth - 80, 1400)),
          height: 180,
        })
      : null;
  const filtered = Object.values(filters(params)).some(Boolean);
  mount(
    target,
    h('h1', {}, 'Logs'),
    form,
    h('p', { class: 'toolbar' }, liveButton, ' ', liveStatus),
    chart,
    page.logs.length === 0 && !filtered
      ? emptyState(
          'No log records in this range',
          'Nothing has sent logs to this pgtel in this time range.',
          {
            env: true,
          },
        )
      : null,
    page.logs.length === 0 && filtered
      ? h(
          'p',
          { class: 'panel muted', 'data-testid': 'no-results' },
          'No record matches these filters in this time range. Widen the range or clear a filter.',
        )
      : null,
    list,
    more,
  );
  if (params.get('live') === '1') startLive();
}
