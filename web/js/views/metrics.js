// @ts-check
import { api } from '../api.js';
import { lineChart } from '../chart.js';
import { badge, h, mount } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { routeHref, timeRange, updateParams } from '../state.js';
import { exemplarPanel, loadExemplars } from './exemplarPanel.js';
import { promqlPanel } from './promqlPanel.js';

const SNIPPET = `import { MetricsCollector, openDatabase } from 'pgtel';
const metrics = new MetricsCollector({ db: await openDatabase() });
metrics.histogram('http_server_duration_ms', 12.5, { route: '/orders' });`;
const PERCENTILE_COLORS = ['hsl(210 70% 45%)', 'hsl(35 90% 48%)', 'hsl(0 70% 50%)'];

function chartWidth() {
  return Math.max(420, Math.min(window.innerWidth - 400, 1200));
}

/** The services of a metric in the list: named up to three, else counted. */
function serviceText(services = []) {
  const named = services.filter(Boolean);
  if (named.length === 0) return '';
  return named.length <= 3 ? ` · ${named.join(', ')}` : ` · ${named.length} services`;
}

function labelText(labels) {
  const entries = Object.entries(labels);
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : 'all series';
}

/** Group-by keys offered beside the metric's own labels: the service column. */
const GROUP_SUGGESTIONS = ['service.name', 'service.name,route'];

/**
 * `#/metrics?name=<metric>&service=<service.name>&labels=k:v&groupBy=k`: the list and one metric's
 * charts, optionally of one service only; `promql` and `promqlMode` hold the PromQL box (promqlPanel.js).
 */
export async function render(target, route) {
  const { params } = route;
  const { from, to, explicit } = timeRange(params);
  const { metrics } = await api.get('metrics', { from, to });
  if (metrics.length === 0) {
    return mount(
      target,
      h('h1', {}, 'Metrics'),
      emptyState('No metrics yet', 'Nothing has recorded metrics in this pgtel.', {
        env: true,
        snippet: SNIPPET,
      }),
    );
  }
  // pgtel's own metrics are kept apart, folded, so they never crowd the application's.
  const internal = metrics.filter((m) => isInternal(m.name));
  const own = metrics.filter((m) => !isInternal(m.name));
  // By default a histogram with data (it shows the most: mean and percentiles), else any with data.
  const withData = (own.length ? own : metrics).filter((m) => m.seriesCount > 0);
  const name =
    params.get('name') ??
    (withData.find((m) => m.type === 'histogram') ?? withData[0] ?? own[0] ?? metrics[0]).name;
  const filter = h('input', {
    type: 'search',
    placeholder: 'Filter metrics',
    'aria-label': 'Filter metrics',
    class: 'list-filter',
  });
  const item = (m) =>
    h(
      'li',
      { 'data-name': m.name },
      h(
        'a',
        {
          href: routeHref(['metrics'], {
            name: m.name,
            range: params.get('range'),
            service: params.get('service'),
          }),
          'aria-current': m.name === name ? 'page' : undefined,
        },
        h('span', { class: 'metric-name' }, m.name),
        h(
          'span',
          { class: 'metric-meta' },
          badge(m.type, 'type'),
          m.unit ? ` ${m.unit}` : '',
          ` · ${m.seriesCount} series`,
          serviceText(m.services),
        ),
      ),
    );
  const list = h('ul', { class: 'metric-list', 'aria-label': 'Metrics' }, own.map(item));
  const internalList = h('ul', { class: 'metric-list', 'aria-label': 'pgtel metrics' }, internal.map(item));
  const internalGroup = internal.length
    ? h(
        'details',
        { class: 'internal-metrics', 'data-testid': 'pgtel-metrics', open: isInternal(name) },
        h('summary', { class: 'internal-summary' }, `pgtel (${internal.length})`),
        internalList,
      )
    : null;
  filter.addEventListener('input', () => {
    const needle = filter.value.toLowerCase();
    for (const li of [...list.children, ...internalList.children])
      li.hidden = !li.dataset.name.toLowerCase().includes(needle);
  });

  const metric = metrics.find((m) => m.name === name);
  const labels = params.getAll('labels');
  const groupBy = params.get('groupBy') ?? '';
  const service = params.get('service') ?? '';
  // The services that wrote this metric in the range (rows of no known service are under "All
  // services"), and the chosen one even when it wrote nothing.
  const services = [...new Set([...(metric?.services ?? []), service])].filter(Boolean).sort();
  const serviceSelect = h(
    'select',
    { name: 'service', 'aria-label': 'Service' },
    h('option', { value: '' }, 'All services'),
    services.map((s) => h('option', { value: s, selected: s === service ? true : undefined }, s)),
  );
  const controls = h('form', { class: 'filters', 'aria-label': 'Chart options' });
  const labelsInput = h('input', {
    name: 'labels',
    placeholder: 'route:/orders, method:GET',
    size: 28,
    value: labels.join(', '),
  });
  const groupInput = h('input', {
    name: 'groupBy',
    placeholder: 'service.name,route',
    size: 16,
    value: groupBy,
    list: 'group-by-keys',
  });
  const apply = () =>
    updateParams({
      service: serviceSelect.value,
      labels: labelsInput.value.split(/\s*,\s*/).filter(Boolean),
      groupBy: groupInput.value.replace(/\s+/g, ''),
    });
  serviceSelect.addEventListener('change', apply);
  controls.append(
    h('label', { class: 'field' }, h('span', {}, 'Service'), serviceSelect),
    h('label', { class: 'field' }, h('span', {}, 'Label filter'), labelsInput),
    h('label', { class: 'field' }, h('span', {}, 'Group by'), groupInput),
    h(
      'datalist',
      { id: 'group-by-keys' },
      GROUP_SUGGESTIONS.map((k) => h('option', { value: k })),
    ),
    h('button', { type: 'submit' }, 'Apply'),
    params.get('from')
      ? h(
          'button',
          { type: 'button', 'data-testid': 'reset-range', onclick: () => updateParams({ from: '', to: '' }) },
          'Back to the whole range',
        )
      : null,
  );
  controls.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });

  const scope = { from, to, labels, service: service || undefined };
  const byService = groupBy.split(',').includes('service.name');
  const query = { ...scope, groupBy };
  const isHistogram = metric?.type === 'histogram';
  const unit = unitOf(metric, name);
  const [series, percentiles, exemplars, promql] = await Promise.all([
    /** @type {Promise<import('../api.js').ApiResponse<'GET /metrics/:name/series'>>} */ (
      api.get(`metrics/${encodeURIComponent(name)}/series`, query)
    ),
    // Grouped by service, the percentiles are too: one set of lines per service.
    isHistogram
      ? /** @type {Promise<import('../api.js').ApiResponse<'GET /metrics/:name/percentiles'>>} */ (
          api.get(`metrics/${encodeURIComponent(name)}/percentiles`, {
            ...scope,
            groupBy: byService ? 'service.name' : undefined,
          })
        )
      : null,
    // A failed exemplar lookup shows in its panel; the charts still render.
    isHistogram
      ? loadExemplars(name, scope).then(
          (list) => ({ exemplars: list }),
          (error) => ({ exemplars: undefined, error }),
        )
      : null,
    promqlPanel(params, { from, to, width: chartWidth() }),
  ]);
  const panel = isHistogram
    ? exemplarPanel({ name, unit, range: { from, to }, filter: labels, service: scope.service })
    : null;
  const markers = (exemplars?.exemplars ?? []).map((e) => ({ at: Date.parse(e.observedAt), value: e.value }));
  // A range dragged on a chart becomes the URL's window: charts and exemplars follow it.
  const pickRange = (a, b) => updateParams({ from: a, to: b, at: '', atLabel: '' });
  const pickIn = (stepMs) => (panel ? (at, line) => panel.pick(at, stepMs, line.labels) : undefined);
  const width = chartWidth();
  const what =
    { counter: 'sum per step', gauge: 'average', histogram: 'mean observation' }[series.type] ?? 'value';
  const charts = [];
  if (series.lines.length === 0) {
    charts.push(
      h(
        'p',
        { class: 'panel muted', 'data-testid': 'no-points' },
        'No data for this metric and filter in this time range.',
      ),
    );
  } else {
    charts.push(
      await lineChart({
        title: `${name} — ${what} by ${groupBy || 'all series'}${series.truncated ? ' (largest groups only)' : ''}`,
        lines: series.lines.map((l) => ({ label: labelText(l.labels), labels: l.labels, points: l.points })),
        unit,
        width,
        from,
        to,
        markers,
        onPick: pickIn(series.stepMs),
        onRange: pickRange,
        fit: !explicit,
      }),
    );
  }
  if (percentiles && series.lines.length > 0) {
    charts.push(
      await lineChart({
        title: `${name} — percentiles${service ? ` of ${service}` : byService ? ' by service.name' : ''}${percentiles.truncated ? ' (first services only)' : ''}`,
        lines: percentiles.series.map((s) => ({
          label: `p${Math.round(s.p * 1000) / 10}${byService ? ` ${s.labels['service.name'] || '(no service)'}` : ''}`,
          labels: s.labels ?? {},
          points: s.points,
        })),
        unit,
        width,
        from,
        to,
        colors: byService ? undefined : PERCENTILE_COLORS,
        markers,
        onPick: pickIn(percentiles.stepMs),
        onRange: pickRange,
        fit: !explicit,
      }),
    );
  }
  if (panel) {
    const at = Number(params.get('at'));
    const picked = Object.fromEntries(
      params.getAll('atLabel').map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)]),
    );
    if (at > 0) await panel.show({ from: at, to: at + series.stepMs - 1, picked: { labels: picked } });
    else await panel.show({ from, to, ...exemplars });
    charts.push(panel.element);
  }
  mount(
    target,
    h('h1', {}, 'Metrics'),
    h(
      'div',
      { class: 'split' },
      h('nav', { class: 'sidebar', 'aria-label': 'Metric list' }, filter, list, internalGroup),
      h(
        'section',
        { class: 'content' },
        h('h2', {}, name, ' ', metric ? badge(metric.type, 'type') : null),
        metric?.description ? h('p', { class: 'muted' }, metric.description) : null,
        controls,
        charts,
        promql,
      ),
    ),
  );
}

/** Units named by a metric's suffix (Prometheus and OpenTelemetry conventions). */
const SUFFIX_UNITS = { _ms: 'ms', _milliseconds: 'ms', _seconds: 's', _bytes: 'bytes', _ratio: 'ratio' };

/** The unit of a metric: its declared one, else the one its name ends with; '' when neither. */
function unitOf(metric, name) {
  if (metric?.unit) return metric.unit;
  const suffix = Object.keys(SUFFIX_UNITS).find((s) => name.endsWith(s));
  return suffix ? SUFFIX_UNITS[suffix] : '';
}

/** pgtel's own metrics (`pgtel_*`, `pgtel.*`), whatever their exact names. */
function isInternal(name) {
  return /^pgtel[_.]/.test(name);
}
