import { api } from '../api.js';
import { badge, formatDuration, formatNumber, formatTime, h, mount, table } from '../dom.js';
import { traceLink } from '../links.js';
import { replaceParams } from '../state.js';

/** Exemplars listed for a range or a picked time bucket. */
export const EXEMPLAR_LIMIT = 20;

/** `{ route: '/orders' }` and `['method:GET']` as the API's `labels=k:v` list, the object's last. */
export function labelPairs(filter, picked = {}) {
  const pairs = new Map(filter.map((p) => [p.slice(0, p.indexOf(':')), p]));
  for (const [k, v] of Object.entries(picked)) pairs.set(k, `${k}:${v}`);
  return [...pairs.values()];
}

/**
 * A picked line's group values split as the API takes them: `service.name` is the service,
 * `resource.<key>` a resource attribute, any other key a label.
 */
export function pickedFilter(picked = {}) {
  const labels = {};
  const resource = [];
  let service;
  for (const [k, v] of Object.entries(picked)) {
    if (k === 'service.name') service = v;
    else if (k.startsWith('resource.')) resource.push(`${k.slice('resource.'.length)}:${v}`);
    else labels[k] = v;
  }
  return { labels, resource, service };
}

/**
 * The traces behind a metric's observations in [from, to] matching `labels` ('k:v' list), of
 * `service` when given, with `resource` attributes ('k:v' list).
 * @param {string} name
 * @param {{ from: number, to: number, labels?: string[], service?: string, resource?: string[] }} filter
 */
export async function loadExemplars(name, { from, to, labels, service, resource }) {
  const { exemplars } = await api.get(`metrics/${encodeURIComponent(name)}/exemplars`, {
    from,
    to,
    labels,
    service,
    resource,
    limit: EXEMPLAR_LIMIT,
  });
  return exemplars;
}

function exemplarTable(exemplars, unit) {
  return table(
    [
      {
        label: 'Value',
        class: 'num',
        cell: (e) => h('strong', {}, `${formatNumber(e.value)}${unit ? ` ${unit}` : ''}`),
      },
      { label: 'Observed', cell: (e) => formatTime(e.observedAt) },
      {
        label: 'Trace',
        cell: (e) =>
          e.operationName
            ? traceLink(e.traceId, e.spanId, `${e.serviceName}: ${e.operationName}`)
            : [traceLink(e.traceId, e.spanId), h('span', { class: 'muted small' }, ' span not stored')],
      },
      { label: 'Span duration', class: 'num', cell: (e) => formatDuration(e.durationMs) },
      { label: 'Status', cell: (e) => (e.status ? badge(e.status) : '–') },
      {
        label: 'Series',
        cell: (e) =>
          Object.entries(e.labels ?? {}).map(([k, v]) => h('span', { class: 'chip' }, `${k}=${v}`)),
      },
    ],
    exemplars,
    { label: 'Exemplar traces', rowAttrs: (e) => ({ 'data-span-id': e.spanId }) },
  );
}

/**
 * The "slowest traces" panel of a metric chart: its exemplars (the observations made inside a stored
 * span, highest first) over the visible range, or over one time bucket picked on a chart. A picked
 * bucket is kept in the URL (`at`, `atLabel`) so the view can be shared.
 */
export function exemplarPanel({ name, unit, range, filter, service }) {
  const element = h('section', { class: 'panel exemplars', 'data-testid': 'exemplars' });

  /** @param {{ from: number, to: number, picked?: { labels: Record<string, string> } | null, exemplars?: unknown[], error?: unknown }} state */
  const show = async ({ from, to, picked = null, exemplars, error }) => {
    const split = pickedFilter(picked?.labels);
    const labels = labelPairs(filter, split.labels);
    const of = split.service ?? service;
    const shown = [...(of ? [`service ${of}`] : []), ...labels, ...split.resource];
    element.dataset.from = String(from);
    element.dataset.to = String(to);
    mount(element, h('h2', {}, 'Slowest traces'), h('p', { class: 'loading' }, 'Loading…'));
    if (!exemplars && !error) {
      try {
        exemplars = await loadExemplars(name, { from, to, labels, service: of, resource: split.resource });
      } catch (caught) {
        error = caught;
      }
    }
    const scope = h(
      'p',
      { class: 'muted small', 'data-testid': 'exemplars-scope' },
      picked ? 'Observed in the picked bucket, ' : 'Observed in the visible range, ',
      `${formatTime(from)} – ${formatTime(to)}`,
      shown.length ? `, ${shown.join(', ')}` : '',
      '. ',
      picked
        ? h(
            'button',
            {
              type: 'button',
              class: 'small',
              onclick: () => {
                replaceParams({ at: '', atLabel: '' });
                show(range);
              },
            },
            'Whole range',
          )
        : 'Click a point on a chart for the traces of its time bucket.',
    );
    let body;
    if (error) {
      if (error.status === 401) throw error;
      body = h(
        'p',
        { class: 'err-text', role: 'alert', 'data-testid': 'exemplars-error' },
        `Could not load exemplars: ${error.message}`,
      );
    } else if (exemplars.length === 0) {
      body = h(
        'p',
        { class: 'muted', 'data-testid': 'no-exemplars' },
        picked
          ? 'No exemplars in this bucket.'
          : 'No exemplars in this range: observations recorded inside a traced span carry one.',
      );
    } else {
      body = exemplarTable(exemplars, unit);
    }
    mount(element, h('h2', {}, 'Slowest traces'), scope, body);
  };

  /** Shows the exemplars of the bucket [at, at + stepMs) of the picked line (its labels); `to` is inclusive. */
  const pick = (at, stepMs, pickedLabels = {}) => {
    replaceParams({
      at,
      atLabel: Object.entries(pickedLabels).map(([k, v]) => `${k}:${v}`),
    });
    return show({ from: at, to: at + stepMs - 1, picked: { labels: pickedLabels } });
  };

  return { element, show, pick };
}
