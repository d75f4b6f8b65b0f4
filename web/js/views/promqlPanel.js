import { api } from '../api.js';
import { lineChart } from '../chart.js';
import { h, table } from '../dom.js';
import { updateParams } from '../state.js';

/** `{__name__="x", a="b"}` as Prometheus shows a series: `x{a="b"}`. */
function seriesName(metric) {
  const { __name__: name = '', ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length || !name ? `${name}{${pairs.join(', ')}}` : name;
}

/** A sample value as sent ("NaN", "+Inf"...) to a number the chart can draw; non-finite ones are gaps. */
function chartValue(text) {
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/** A range query drawn as lines, an instant one as a table. */
async function resultView(mode, data, { from, to, width }) {
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return table(
      [
        { label: 'type', cell: () => data.resultType },
        { label: 'value', cell: () => data.result[1] },
      ],
      [data],
      { label: 'PromQL result' },
    );
  }
  if (data.result.length === 0)
    return h('p', { class: 'panel muted', 'data-testid': 'promql-empty' }, 'The query returned no series.');
  if (mode === 'range') {
    return lineChart({
      title: `${data.result.length} series`,
      lines: data.result.map((s) => ({
        label: seriesName(s.metric),
        labels: s.metric,
        points: s.values.map(([t, v]) => [Math.round(t * 1000), chartValue(v)]),
      })),
      width,
      from,
      to,
    });
  }
  const rows = data.result.map((s) => ({ metric: s.metric, value: s.value ?? s.values.at(-1) }));
  return table(
    [
      { label: 'series', cell: (r) => seriesName(r.metric) },
      { label: 'value', cell: (r) => r.value[1], class: 'num' },
    ],
    rows,
    { label: 'PromQL result' },
  );
}

/**
 * The PromQL box of the metrics view: `promql` (the query) and `promqlMode` (`range`, the default,
 * or `instant`) live in the URL with the time range; a range query is drawn, an instant one listed,
 * and a failed one shows Prometheus's error message.
 */
export async function promqlPanel(params, { from, to, width }) {
  const query = params.get('promql') ?? '';
  const mode = params.get('promqlMode') === 'instant' ? 'instant' : 'range';
  const input = h('input', {
    name: 'promql',
    type: 'text',
    placeholder: 'sum by (http_route) (rate(http_server_request_duration_seconds_count[5m]))',
    'aria-label': 'PromQL query',
    class: 'promql-input',
    value: query,
  });
  const modeSelect = h(
    'select',
    { name: 'promqlMode', 'aria-label': 'Query type' },
    h('option', { value: 'range', selected: mode === 'range' ? true : undefined }, 'Range (graph)'),
    h('option', { value: 'instant', selected: mode === 'instant' ? true : undefined }, 'Instant (table)'),
  );
  const form = h(
    'form',
    { class: 'promql-form', 'aria-label': 'PromQL' },
    h('label', { class: 'field promql-field' }, h('span', {}, 'PromQL'), input),
    h('label', { class: 'field' }, h('span', {}, 'Type'), modeSelect),
    h('button', { type: 'submit' }, 'Run'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    updateParams({ promql: input.value.trim(), promqlMode: modeSelect.value });
  });
  const section = h(
    'section',
    { class: 'panel promql', 'data-testid': 'promql' },
    h('h2', {}, 'PromQL'),
    form,
  );
  if (!query) return section;
  // About 250 points across the range, at least one a second.
  const step = Math.max(1, Math.round((to - from) / 250_000));
  try {
    const answer =
      mode === 'range'
        ? await api.get('v1/query_range', { query, start: from / 1000, end: to / 1000, step })
        : await api.get('v1/query', { query, time: to / 1000 });
    section.append(await resultView(mode, answer.data, { from, to, width }));
    for (const warning of answer.warnings ?? []) section.append(h('p', { class: 'muted' }, warning));
  } catch (error) {
    section.append(
      h('p', { class: 'panel error', 'data-testid': 'promql-error', role: 'alert' }, error.message),
    );
  }
  return section;
}
