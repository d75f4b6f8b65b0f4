import { api } from '../api.js';
import { badge, colorOf, formatDuration, formatTime, h, mount } from '../dom.js';
import { LINKED_ALERTS, linkedSections, linkedWorkflowsTable } from '../links.js';
import { logList, severityOf } from '../logLines.js';
import { spanDetail } from '../spanDetail.js';
import { replaceParams, routeHref } from '../state.js';
import {
  clampWindow,
  collapsedAtDepth,
  criticalPath,
  matchingSpans,
  placeLabel,
  revealRow,
  treeIndex,
  visibleRows,
} from '../traceLayout.js';

/** Row height in pixels: rows are placed by index, so only those in view are in the DOM. */
const ROW_HEIGHT = 28;
/** Rows drawn above and below the visible ones, so a scroll shows no gap before the next draw. */
const OVERSCAN = 12;
const LABEL_FONT = '11px system-ui, sans-serif';
const DEPTH_CHOICES = [1, 2, 3, 4, 5, 8];
const INDENT_PX = 14;
/** Indentation stops growing here: a deep trace keeps room for its operation names. */
const MAX_INDENT_LEVELS = 16;

let measureContext;
function textWidth(text) {
  measureContext ??= document.createElement('canvas').getContext('2d');
  measureContext.font = LABEL_FONT;
  return Math.ceil(measureContext.measureText(text).width) + 2;
}

/** `#/traces/<traceId>`: the waterfall of one trace, its links, logs and the selected span. */
export async function renderTrace(target, traceId, params) {
  const encoded = encodeURIComponent(traceId);
  const [trace, linked, { logs }] = await Promise.all([
    api.get(`traces/${encoded}`),
    traceLinks(encoded),
    api.get(`traces/${encoded}/logs`),
  ]);
  performance.mark('pgtel-trace-data');
  const traceStart = Date.parse(trace.startTime);
  // Only the span details need them: the waterfall does not wait.
  const exemplars = api
    .get(`traces/${encoded}/exemplars`, {
      from: new Date(traceStart).toISOString(),
      to: new Date(traceStart + Math.max(trace.durationMs, 1)).toISOString(),
    })
    .then((answer) => groupBy(answer.exemplars, (e) => e.spanId));
  const range = params.get('range');
  const waterfall = traceWaterfall(trace, { logs, exemplars, params, range });
  mount(
    target,
    h('p', { class: 'crumbs' }, h('a', { href: routeHref(['traces'], { range }) }, '← Traces')),
    h('h1', {}, trace.spans[0] ? `${trace.spans[0].serviceName}: ${trace.spans[0].operationName}` : 'Trace'),
    traceSummary(trace),
    h('div', { class: 'linked-grid' }, linked),
    waterfall,
    h(
      'section',
      { class: 'panel trace-logs', 'data-testid': 'trace-logs' },
      h('h2', {}, `Logs (${logs.length})`),
      logs.length
        ? logList(logs, { showTrace: false })
        : h('p', { class: 'muted' }, 'No log record of this trace.'),
    ),
  );
}

function traceSummary(trace) {
  return h(
    'dl',
    { class: 'summary' },
    h('dt', {}, 'Trace id'),
    h('dd', { class: 'mono' }, trace.traceId),
    h('dt', {}, 'Started'),
    h('dd', {}, formatTime(trace.startTime)),
    h('dt', {}, 'Duration'),
    h('dd', {}, formatDuration(trace.durationMs)),
    h('dt', {}, 'Spans'),
    h('dd', {}, `${trace.spanCount}${trace.truncated ? ' (truncated)' : ''}`),
    h('dt', {}, 'Errors'),
    h('dd', {}, trace.errorCount ? badge(String(trace.errorCount), 'error') : '0'),
  );
}

/** The workflows this trace ran or changed, and the alerts it is linked to. */
function traceLinks(encodedTraceId) {
  return linkedSections(`traces/${encodedTraceId}`, 'trace', [
    {
      what: 'workflows',
      title: 'Workflows',
      empty: 'No workflow ran in this trace.',
      render: linkedWorkflowsTable,
    },
    LINKED_ALERTS,
  ]);
}

/**
 * The interactive waterfall: toolbar (find, depth, critical path), service legend, minimap with a
 * draggable window, virtualised rows and the selected span's details. Its state (selected span, search,
 * depth) is kept in the URL without re-rendering the view.
 */
function traceWaterfall(trace, { logs, exemplars, params, range }) {
  const spans = trace.spans;
  const total = Math.max(trace.durationMs, 0.001);
  const traceStart = Date.parse(trace.startTime);
  const { parent, subtreeEnd } = treeIndex(spans);
  const critical = criticalPath(spans, parent);
  const depthParam = params.get('depth');
  const state = {
    collapsed: collapsedAtDepth(spans, subtreeEnd, depthParam ? Number(depthParam) : null),
    rows: [],
    window: [0, total],
    matches: [],
    matchSet: new Set(),
    current: -1,
    selected: spans.findIndex((s) => s.spanId === params.get('span')),
    showCritical: params.get('critical') !== '0',
    trackPx: 0,
  };
  const logsBySpan = groupBy(logs, (log) => log.spanId);

  const detail = h('aside', { class: 'span-detail', 'aria-label': 'Span details' });
  const spacer = h('div', { class: 'wf-spacer' });
  const viewport = h(
    'div',
    {
      class: 'wf-body',
      role: 'tree',
      tabindex: '0',
      'aria-label': 'Spans of the trace (arrow keys move, left and right collapse and expand)',
    },
    spacer,
  );
  const axis = h('span', { class: 'wf-track' });
  const counter = h('span', {
    class: 'muted find-count',
    'data-testid': 'find-count',
    'aria-live': 'polite',
  });
  const findInput = h('input', {
    type: 'search',
    name: 'find',
    placeholder: 'Find in trace',
    'aria-label': 'Find in trace',
    value: params.get('find') ?? '',
    size: 22,
  });
  const depthSelect = h(
    'select',
    { name: 'depth', 'aria-label': 'Expand to depth' },
    h('option', { value: '' }, 'all levels'),
    DEPTH_CHOICES.map((d) =>
      h('option', { value: d, selected: String(d) === depthParam }, `${d} level${d > 1 ? 's' : ''}`),
    ),
  );
  const criticalBox = h('input', { type: 'checkbox', name: 'critical', checked: state.showCritical });
  const minimap = traceMinimap(spans, total, state, (from, to) => {
    state.window = clampWindow(from, to, total);
    drawAxis();
    drawRows();
  });

  function drawAxis() {
    const [a, b] = state.window;
    mount(
      axis,
      [0, 0.25, 0.5, 0.75, 1].map((t) =>
        h('span', { class: 'tick', style: { left: `${t * 100}%` } }, formatDuration(a + t * (b - a))),
      ),
    );
    minimap.drawWindow();
  }

  function rowElement(index, position) {
    const span = spans[index];
    const [a, b] = state.window;
    const scale = state.trackPx / (b - a);
    const rawLeft = (span.offsetMs - a) * scale;
    const rawRight = (span.offsetMs + span.durationMs - a) * scale;
    const left = Math.max(0, Math.min(state.trackPx, rawLeft));
    const width = Math.max(2, Math.min(state.trackPx, rawRight) - left);
    const label = formatDuration(span.durationMs);
    const labelPx = textWidth(label);
    const placed = placeLabel(left, width, labelPx, state.trackPx);
    const hasChildren = subtreeEnd[index] > index;
    const open = !state.collapsed.has(index);
    const classes = ['wf-row'];
    if (span.status === 'error') classes.push('error');
    if (index === state.selected) classes.push('selected');
    if (state.showCritical && critical.has(index)) classes.push('critical');
    if (state.matchSet.has(index)) classes.push('match');
    if (state.matches[state.current] === index) classes.push('current-match');
    const indent = Math.min(span.depth, MAX_INDENT_LEVELS) * INDENT_PX + 6;
    return h(
      'div',
      {
        class: classes.join(' '),
        id: `span-row-${span.spanId}`,
        role: 'treeitem',
        'aria-level': span.depth + 1,
        'aria-expanded': hasChildren ? String(open) : undefined,
        'aria-selected': String(index === state.selected),
        'data-span-id': span.spanId,
        'data-depth': span.depth,
        style: { top: `${position * ROW_HEIGHT}px` },
        onclick: () => select(index === state.selected ? -1 : index),
      },
      h(
        'span',
        {
          class: 'wf-name',
          style: { paddingLeft: `${indent}px` },
          title: `${span.operationName} · ${span.serviceName}`,
        },
        hasChildren
          ? h(
              'button',
              {
                type: 'button',
                class: 'wf-toggle',
                tabindex: '-1',
                'aria-label': open ? 'Collapse' : 'Expand',
                onclick: (event) => {
                  event.stopPropagation();
                  toggle(index);
                },
              },
              open ? '▾' : '▸',
            )
          : h('span', { class: 'wf-toggle-space' }),
        h('span', { class: 'dot', style: { background: colorOf(span.serviceName) } }),
        h('span', { class: 'op' }, span.operationName),
        hasChildren && !open ? h('span', { class: 'hidden-count' }, `+${subtreeEnd[index] - index}`) : null,
        span.status === 'error' ? badge('error') : null,
        h('span', { class: 'svc' }, span.serviceName),
      ),
      h(
        'span',
        { class: 'wf-track' },
        h('span', {
          class: 'wf-bar',
          style: {
            left: `${left}px`,
            width: `${width}px`,
            background: span.status === 'error' ? undefined : colorOf(span.serviceName),
          },
        }),
        timelineMarks(span, logsBySpan.get(span.spanId), { a, scale, traceStart }),
        h(
          'span',
          { class: `wf-dur ${placed.place}`, style: { left: `${placed.x}px`, width: `${labelPx}px` } },
          label,
        ),
      ),
    );
  }

  function drawRows() {
    if (!state.trackPx) return;
    const first = Math.max(0, Math.floor(viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(
      state.rows.length,
      Math.ceil((viewport.scrollTop + viewport.clientHeight) / ROW_HEIGHT) + OVERSCAN,
    );
    const elements = [];
    for (let position = first; position < last; position++)
      elements.push(rowElement(state.rows[position], position));
    mount(spacer, elements);
    if (state.selected >= 0 && state.rows.includes(state.selected))
      viewport.setAttribute('aria-activedescendant', `span-row-${spans[state.selected].spanId}`);
    else viewport.removeAttribute('aria-activedescendant');
  }

  function layoutRows() {
    state.rows = visibleRows(spans, subtreeEnd, state.collapsed);
    spacer.style.height = `${state.rows.length * ROW_HEIGHT}px`;
    viewport.style.height = `${state.rows.length * ROW_HEIGHT + 2}px`;
    drawRows();
  }

  function scrollToRow(index) {
    const position = state.rows.indexOf(index);
    if (position < 0) return;
    const top = position * ROW_HEIGHT;
    if (top < viewport.scrollTop || top + ROW_HEIGHT > viewport.scrollTop + viewport.clientHeight)
      viewport.scrollTop = Math.max(0, top - viewport.clientHeight / 2);
  }

  function toggle(index) {
    if (state.collapsed.has(index)) state.collapsed.delete(index);
    else state.collapsed.add(index);
    layoutRows();
  }

  function select(index) {
    state.selected = index;
    replaceParams({ span: index >= 0 ? spans[index].spanId : '' });
    if (index >= 0) {
      revealRow(state.collapsed, parent, index);
      layoutRows();
      scrollToRow(index);
      showDetail(spans[index]);
    } else {
      drawRows();
      mount(detail);
    }
  }

  async function showDetail(span) {
    const bySpan = await exemplars.catch(() => new Map());
    if (spans[state.selected] === span)
      mount(detail, spanDetail(span, { traceId: trace.traceId, exemplars: bySpan.get(span.spanId), range }));
  }

  function find(query, { jump = true } = {}) {
    state.matches = matchingSpans(spans, query);
    state.matchSet = new Set(state.matches);
    state.current = state.matches.length ? 0 : -1;
    counter.textContent = query.trim() ? `${state.matches.length ? 1 : 0} of ${state.matches.length}` : '';
    minimap.drawSpans(state.matchSet);
    if (jump && state.current >= 0) goToMatch(0);
    else layoutRows();
  }

  function goToMatch(step) {
    if (!state.matches.length) return;
    state.current = (state.current + step + state.matches.length) % state.matches.length;
    counter.textContent = `${state.current + 1} of ${state.matches.length}`;
    const index = state.matches[state.current];
    revealRow(state.collapsed, parent, index);
    layoutRows();
    scrollToRow(index);
    drawRows();
  }

  findInput.addEventListener('input', () => {
    replaceParams({ find: findInput.value });
    find(findInput.value);
  });
  findInput.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      goToMatch(event.shiftKey ? -1 : 1);
    }
  });
  depthSelect.addEventListener('change', () => {
    replaceParams({ depth: depthSelect.value });
    state.collapsed = collapsedAtDepth(
      spans,
      subtreeEnd,
      depthSelect.value ? Number(depthSelect.value) : null,
    );
    layoutRows();
  });
  criticalBox.addEventListener('change', () => {
    state.showCritical = criticalBox.checked;
    replaceParams({ critical: criticalBox.checked ? '' : '0' });
    drawRows();
  });
  viewport.addEventListener('scroll', () => requestAnimationFrame(drawRows), { passive: true });
  viewport.addEventListener('keydown', (event) => keyboard(event));

  function keyboard(event) {
    const position = state.rows.indexOf(state.selected);
    const at = state.selected;
    let handled = true;
    if (event.key === 'ArrowDown') select(state.rows[Math.min(state.rows.length - 1, position + 1)]);
    else if (event.key === 'ArrowUp') select(state.rows[Math.max(0, position - 1)]);
    else if (event.key === 'ArrowRight' && at >= 0 && state.collapsed.has(at)) toggle(at);
    else if (event.key === 'ArrowLeft' && at >= 0 && subtreeEnd[at] > at && !state.collapsed.has(at))
      toggle(at);
    else if (event.key === 'ArrowLeft' && at >= 0 && parent[at] !== -1) select(parent[at]);
    else handled = false;
    if (handled) event.preventDefault();
  }

  // Rows are laid out once the waterfall is on the page and its width known, and again on resize.
  const track = h('span', { class: 'wf-track' });
  const probe = h(
    'div',
    { class: 'wf-probe', 'aria-hidden': 'true' },
    h('span', { class: 'wf-name' }),
    track,
  );
  new ResizeObserver(() => {
    const width = Math.floor(track.getBoundingClientRect().width);
    if (!width || width === state.trackPx) return;
    const first = !state.trackPx;
    state.trackPx = width;
    minimap.resize(width);
    find(findInput.value, { jump: false });
    if (first && state.selected >= 0) select(state.selected);
    else if (first && state.matches.length) goToMatch(0);
    if (first) {
      performance.measure('pgtel-trace-render', 'pgtel-trace-data');
      viewport.dataset.rendered = 'true';
    }
  }).observe(probe);

  drawAxis();
  return h(
    'section',
    { class: 'trace-view', 'data-testid': 'trace-view' },
    h(
      'div',
      { class: 'wf-toolbar filters' },
      h('label', { class: 'field' }, h('span', {}, 'Find'), findInput),
      counter,
      h('label', { class: 'field' }, h('span', {}, 'Expand to'), depthSelect),
      h('label', { class: 'check' }, criticalBox, ' Critical path'),
      h('button', { type: 'button', onclick: () => minimap.reset() }, 'Reset zoom'),
    ),
    serviceLegend(spans, (service) => {
      findInput.value = service;
      replaceParams({ find: service });
      find(service);
    }),
    h(
      'div',
      { class: 'waterfall', role: 'group', 'aria-label': 'Waterfall of spans' },
      h(
        'div',
        { class: 'wf-axis wf-overview' },
        h('span', { class: 'wf-name' }, 'Overview'),
        minimap.element,
      ),
      h('div', { class: 'wf-axis' }, h('span', { class: 'wf-name' }, `Span (${spans.length})`), axis),
      probe,
      viewport,
    ),
    detail,
  );
}

function groupBy(items, keyOf) {
  const groups = new Map();
  for (const item of items) {
    const key = keyOf(item);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(item);
  }
  return groups;
}

/** A tick per span event (exceptions red) and per log record on a span's bar, at their time. */
function timelineMarks(span, logs = [], { a, scale, traceStart }) {
  const at = (time) => (Date.parse(time) - traceStart - a) * scale;
  return [
    span.events.map((event) =>
      h('span', {
        class: `wf-event${event.name === 'exception' ? ' exception' : ''}`,
        'data-testid': 'span-event-marker',
        title: event.name,
        style: { left: `${at(event.time)}px` },
      }),
    ),
    logs.map((log) =>
      h('span', {
        class: `wf-log sev-${severityOf(log.severityNumber)}`,
        'data-testid': 'span-log-marker',
        title: log.body,
        style: { left: `${at(log.timestamp)}px` },
      }),
    ),
  ];
}

/** The services of the trace, each with its colour and span count; a click finds its spans. */
function serviceLegend(spans, onPick) {
  const counts = new Map();
  for (const span of spans) counts.set(span.serviceName, (counts.get(span.serviceName) ?? 0) + 1);
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Services', 'data-testid': 'service-legend' },
    [...counts].map(([service, count]) =>
      h(
        'li',
        {},
        h(
          'button',
          { type: 'button', class: 'legend-item', onclick: () => onPick(service) },
          h('span', { class: 'dot', style: { background: colorOf(service) } }),
          service,
          h('span', { class: 'muted' }, ` ${count}`),
        ),
      ),
    ),
  );
}

/**
 * The whole trace drawn small (a line per span, search matches marked) with a window over it: drag the
 * window to pan, drag elsewhere to pick a new time range, double-click to show all. `onWindow(from, to)`
 * gets the range in ms from the trace's start.
 */
function traceMinimap(spans, total, state, onWindow) {
  const height = 44;
  const canvas = h('canvas', { height, 'aria-hidden': 'true' });
  const frame = h('span', { class: 'mm-window', 'data-testid': 'minimap-window' });
  const element = h(
    'span',
    {
      class: 'wf-track minimap',
      'data-testid': 'minimap',
      title: 'Drag to zoom, drag the window to pan, double-click to reset',
    },
    canvas,
    frame,
  );
  let width = 0;
  const msAt = (clientX) => {
    const box = element.getBoundingClientRect();
    return ((clientX - box.left) / box.width) * total;
  };
  let drag = null;
  element.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    const at = msAt(event.clientX);
    const [a, b] = state.window;
    drag =
      at >= a && at <= b && b - a < total
        ? { pan: true, start: at, window: [a, b] }
        : { pan: false, start: at };
  });
  element.addEventListener('pointermove', (event) => {
    if (!drag) return;
    const at = msAt(event.clientX);
    if (drag.pan) {
      const [a, b] = drag.window;
      const shift = Math.max(-a, Math.min(total - b, at - drag.start));
      onWindow(a + shift, b + shift);
    } else if (Math.abs(at - drag.start) > total / 500) onWindow(drag.start, at);
  });
  element.addEventListener('pointerup', () => {
    drag = null;
  });
  element.addEventListener('dblclick', () => onWindow(0, total));

  function drawSpans(matches = new Set()) {
    if (!width) return;
    const context = canvas.getContext('2d');
    context.clearRect(0, 0, width, height);
    const rowHeight = Math.max(height / spans.length, 0.5);
    spans.forEach((span, i) => {
      const x = (span.offsetMs / total) * width;
      const w = Math.max(1, (span.durationMs / total) * width);
      context.fillStyle = matches.has(i)
        ? '#f5a623'
        : span.status === 'error'
          ? '#c8322d'
          : colorOf(span.serviceName);
      context.fillRect(x, (i / spans.length) * height, w, Math.max(rowHeight, matches.has(i) ? 2 : 0.5));
    });
  }

  return {
    element,
    drawSpans,
    resize(px) {
      width = px;
      canvas.width = px;
      drawSpans(state.matchSet);
    },
    drawWindow() {
      const [a, b] = state.window;
      frame.style.left = `${(a / total) * 100}%`;
      frame.style.width = `${((b - a) / total) * 100}%`;
    },
    reset: () => onWindow(0, total),
  };
}
