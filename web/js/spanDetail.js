/** The details panel of one span of a trace: fields, attributes, events (stack traces as lines), links. */
import { badge, formatDuration, formatNumber, formatTime, h, keyValues } from './dom.js';
import { routeHref } from './state.js';

function eventItem(event, spanStart) {
  // A stack trace is shown as its lines, not one run-together string.
  const { 'exception.stacktrace': stack, ...rest } = event.attributes ?? {};
  return h(
    'li',
    { class: event.name === 'exception' ? 'exception' : undefined },
    h('strong', {}, event.name),
    ` at +${formatDuration(Date.parse(event.time) - spanStart)}`,
    keyValues(rest),
    typeof stack === 'string'
      ? h('pre', { class: 'stack', 'data-testid': 'stacktrace' }, stack.replace(/\r\n?/g, '\n'))
      : null,
  );
}

/**
 * The panel of `span`; `exemplars` are the metric observations made in it (`{ metric, value,
 * observedAt }`), each linking to its metric; `range` is kept on the links.
 */
export function spanDetail(span, { traceId, exemplars = [], range }) {
  const spanStart = Date.parse(span.startTime);
  return h(
    'section',
    { class: 'panel', id: 'span-detail', 'data-testid': 'span-detail' },
    h('h2', {}, span.operationName),
    h(
      'p',
      { class: 'span-links' },
      h(
        'a',
        {
          href: routeHref(['logs'], { traceId, spanId: span.spanId, range }),
          'data-testid': 'span-logs-link',
        },
        'Logs of this span',
      ),
    ),
    h(
      'dl',
      { class: 'summary' },
      h('dt', {}, 'Service'),
      h('dd', {}, span.serviceName),
      h('dt', {}, 'Kind'),
      h('dd', {}, span.kind),
      h('dt', {}, 'Status'),
      h('dd', {}, badge(span.status), span.statusMessage ? ` ${span.statusMessage}` : ''),
      h('dt', {}, 'Start'),
      h('dd', {}, `+${formatDuration(span.offsetMs)} (${formatTime(span.startTime)})`),
      h('dt', {}, 'Duration'),
      h('dd', {}, formatDuration(span.durationMs)),
      h('dt', {}, 'Span id'),
      h('dd', { class: 'mono' }, span.spanId),
      h('dt', {}, 'Parent'),
      h(
        'dd',
        { class: 'mono' },
        span.parentSpanId ?? 'none (root)',
        span.missingParent ? ' (not stored)' : '',
      ),
    ),
    h('h3', {}, 'Attributes'),
    keyValues(span.attributes),
    h('h3', {}, `Events (${span.events.length})`),
    span.events.length
      ? h(
          'ol',
          { class: 'events' },
          span.events.map((event) => eventItem(event, spanStart)),
        )
      : h('p', { class: 'muted' }, 'none'),
    h('h3', {}, `Metric exemplars (${exemplars.length})`),
    exemplars.length
      ? h(
          'ul',
          { 'data-testid': 'span-exemplars' },
          exemplars.map((e) =>
            h(
              'li',
              {},
              h('a', { href: routeHref(['metrics'], { name: e.metric, range }) }, e.metric),
              ` ${formatNumber(e.value)} at ${formatTime(e.observedAt)}`,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No metric observation was made in this span.'),
    h('h3', {}, `Links (${span.links.length})`),
    span.links.length
      ? h(
          'ul',
          {},
          span.links.map((l) =>
            h(
              'li',
              {},
              h('a', { href: routeHref(['traces', l.traceId]), class: 'mono' }, `${l.traceId} / ${l.spanId}`),
              keyValues(l.attributes),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'none'),
    h('h3', {}, 'Resource'),
    keyValues(span.resource),
  );
}
