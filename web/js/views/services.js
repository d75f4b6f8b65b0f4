import { api } from '../api.js';
import { colorOf, formatDuration, formatNumber, h, mount, table } from '../dom.js';
import { emptyState } from '../emptyState.js';
import { layoutServiceMap } from '../serviceMapLayout.js';
import { routeHref, timeRange } from '../state.js';
import { svg } from '../svg.js';

const NODE_WIDTH = 190;
const NODE_HEIGHT = 52;

function percent(rate) {
  return `${formatNumber(Math.round(rate * 1000) / 10)}%`;
}

function edgeText(edge) {
  return `${formatNumber(Math.round(edge.ratePerSecond * 100) / 100)}/s · ${percent(edge.errorRate)} err · p95 ${formatDuration(edge.p95Ms)}`;
}

/** `#/services`: the calls between services in the range, as a graph and a table. */
export async function render(target, route) {
  const { from, to } = timeRange(route.params);
  const range = route.params.get('range');
  const graph = await api.get('services/graph', {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  });
  if (graph.edges.length === 0) {
    return mount(
      target,
      h('h1', {}, 'Services'),
      emptyState(
        'No calls between services in this range',
        'The map shows a call wherever a span has its parent in another service. Send traces from two services that call each other (trace context propagated), or widen the range.',
        { env: true },
      ),
    );
  }
  const layout = layoutServiceMap(graph.services, graph.edges);
  const at = new Map(layout.nodes.map((n) => [n.service, n]));
  const hasBackEdge = graph.edges.some((e) => at.get(e.callee).column <= at.get(e.caller).column);
  const edgeElements = graph.edges.map((edge) => {
    const a = at.get(edge.caller);
    const b = at.get(edge.callee);
    const x1 = a.x + NODE_WIDTH;
    const y1 = a.y + NODE_HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_HEIGHT / 2;
    // Back edges (to a column at or left of the caller) loop under the nodes.
    const back = x2 <= x1;
    const path = back
      ? `M ${x1} ${y1} C ${x1 + 60} ${y1 + 90}, ${x2 - 60} ${y2 + 90}, ${x2} ${y2}`
      : `M ${x1} ${y1} C ${(x1 + x2) / 2} ${y1}, ${(x1 + x2) / 2} ${y2}, ${x2} ${y2}`;
    return svg(
      'g',
      {
        class: `edge${edge.errors ? ' has-errors' : ''}`,
        'data-testid': 'service-edge',
        'data-caller': edge.caller,
        'data-callee': edge.callee,
      },
      svg('title', {}, `${edge.caller} → ${edge.callee}: ${edge.calls} calls, ${edgeText(edge)}`),
      svg('path', {
        d: path,
        'marker-end': 'url(#arrow)',
        'stroke-width': Math.min(6, 1 + Math.log10(1 + edge.calls)),
      }),
    );
  });
  const nodeElements = layout.nodes.map((node) =>
    svg(
      'a',
      {
        href: routeHref(['traces'], { service: node.service, range }),
        class: 'node',
        'data-testid': 'service-node',
        'data-service': node.service,
      },
      svg('title', {}, `${node.service}: ${node.callsIn} calls in, ${node.callsOut} out — open its traces`),
      svg('rect', {
        x: node.x,
        y: node.y,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
        rx: 6,
        stroke: colorOf(node.service),
      }),
      svg('circle', { cx: node.x + 14, cy: node.y + 18, r: 5, fill: colorOf(node.service) }),
      svg('text', { x: node.x + 26, y: node.y + 22, class: 'name' }, fitText(node.service, 20)),
      svg(
        'text',
        { x: node.x + 12, y: node.y + 41, class: 'stats' },
        `${formatNumber(node.callsIn)} in · ${formatNumber(node.callsOut)} out${node.errorsIn ? ` · ${formatNumber(node.errorsIn)} err` : ''}`,
      ),
    ),
  );
  const map = svg(
    'svg',
    {
      class: 'service-map',
      role: 'img',
      'aria-label': `Service map: ${layout.nodes.length} services, ${graph.edges.length} calls between them`,
      viewBox: `0 0 ${layout.width + NODE_WIDTH} ${layout.height + NODE_HEIGHT + (hasBackEdge ? 90 : 0)}`,
      width: layout.width + NODE_WIDTH,
    },
    svg(
      'defs',
      {},
      svg(
        'marker',
        {
          id: 'arrow',
          viewBox: '0 0 10 10',
          refX: 10,
          refY: 5,
          markerWidth: 7,
          markerHeight: 7,
          orient: 'auto-start-reverse',
        },
        svg('path', { d: 'M 0 0 L 10 5 L 0 10 z' }),
      ),
    ),
    edgeElements,
    nodeElements,
  );
  mount(
    target,
    h('h1', {}, 'Services'),
    h(
      'p',
      { class: 'muted small' },
      'Calls between services: a span whose parent span is in another service. Click a service for its traces.',
    ),
    h('div', { class: 'panel map-panel' }, map),
    table(
      [
        { label: 'Caller', cell: (e) => serviceLinks(e.caller, range) },
        { label: 'Callee', cell: (e) => serviceLinks(e.callee, range) },
        { label: 'Calls', class: 'num', cell: (e) => formatNumber(e.calls) },
        {
          label: 'Rate',
          class: 'num',
          cell: (e) => `${formatNumber(Math.round(e.ratePerSecond * 1000) / 1000)}/s`,
        },
        { label: 'Errors', class: 'num', cell: (e) => percent(e.errorRate) },
        { label: 'p95', class: 'num', cell: (e) => formatDuration(e.p95Ms) },
      ],
      graph.edges,
      {
        label: 'Calls between services',
        class: 'service-edges',
        rowAttrs: (e) => ({ 'data-testid': 'edge-row', 'data-callee': e.callee }),
      },
    ),
  );
}

/** A long name cut with an ellipsis to fit a node (the full name is in the node's title). */
function fitText(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function serviceLinks(service, range) {
  return h(
    'span',
    { class: 'service-links' },
    h('span', { class: 'dot', style: { background: colorOf(service) } }),
    h('a', { href: routeHref(['traces'], { service, range }) }, service),
    ' ',
    h('a', { href: routeHref(['metrics'], { service, range }), class: 'small muted' }, 'metrics'),
  );
}
