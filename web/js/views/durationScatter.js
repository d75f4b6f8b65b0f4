import { colorOf, formatDuration, formatTime } from '../dom.js';
import { routeHref } from '../state.js';
import { svg } from '../svg.js';

const WIDTH = 1000;
const HEIGHT = 180;
const PAD = { left: 64, right: 12, top: 10, bottom: 24 };

/**
 * Trace search results as dots: start time across, duration up (errors red), each dot a link to its
 * trace. `from`/`to` (epoch ms) are the searched range.
 */
export function durationScatter(traces, { from, to, range }) {
  const longest = Math.max(1, ...traces.map((t) => t.durationMs));
  const x = (time) =>
    PAD.left + ((Date.parse(time) - from) / Math.max(1, to - from)) * (WIDTH - PAD.left - PAD.right);
  const y = (ms) => HEIGHT - PAD.bottom - (ms / longest) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, 0.5, 1].map((f) => [
    svg('line', {
      x1: PAD.left,
      x2: WIDTH - PAD.right,
      y1: y(f * longest),
      y2: y(f * longest),
      class: 'grid-line',
    }),
    svg(
      'text',
      { x: PAD.left - 6, y: y(f * longest) + 4, class: 'axis-label', 'text-anchor': 'end' },
      formatDuration(f * longest),
    ),
  ]);
  return svg(
    'svg',
    {
      class: 'duration-scatter',
      viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
      role: 'img',
      'aria-label': `Durations of ${traces.length} traces over time`,
      'data-testid': 'duration-scatter',
    },
    ticks,
    svg('text', { x: PAD.left, y: HEIGHT - 6, class: 'axis-label' }, formatTime(from)),
    svg(
      'text',
      { x: WIDTH - PAD.right, y: HEIGHT - 6, class: 'axis-label', 'text-anchor': 'end' },
      formatTime(to),
    ),
    traces.map((t) =>
      svg(
        'a',
        {
          href: routeHref(['traces', t.traceId], { range }),
          'data-testid': 'scatter-dot',
          'data-trace-id': t.traceId,
        },
        svg(
          'title',
          {},
          `${t.rootService}: ${t.rootOperation} · ${formatDuration(t.durationMs)} · ${t.spanCount} spans`,
        ),
        svg('circle', {
          cx: x(t.startTime),
          cy: y(t.durationMs),
          r: 5,
          class: t.errorCount ? 'dot-error' : undefined,
          fill: t.errorCount ? undefined : colorOf(t.rootService),
        }),
      ),
    ),
  );
}
