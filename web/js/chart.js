import { formatNumber, h } from './dom.js';

/** Distinct line colours, in order (Tableau 10). */
const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#e15759',
  '#76b7b2',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
];

const MARKER_COLOR = '#d62728';

/** Draws a diamond per marker ({ at: epochMs, value }) in the plot; a value off the scale sits on its edge. */
function drawMarkers(u, markers) {
  const { ctx } = u;
  const { left, top, width, height } = u.bbox;
  const r = 5 * devicePixelRatio;
  ctx.save();
  ctx.fillStyle = MARKER_COLOR;
  ctx.strokeStyle = '#fff';
  ctx.lineWidth = devicePixelRatio;
  for (const { at, value } of markers) {
    const x = u.valToPos(at / 1000, 'x', true);
    if (x < left || x > left + width) continue;
    const y = Math.min(top + height, Math.max(top, u.valToPos(value, 'y', true)));
    ctx.beginPath();
    ctx.moveTo(x, y - r);
    ctx.lineTo(x + r, y);
    ctx.lineTo(x, y + r);
    ctx.lineTo(x - r, y);
    ctx.closePath();
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * The time span of the data and markers (epoch ms), with a margin of 5% (at least a minute) on each
 * side, inside [from, to]: fresh data is not squeezed against an edge of a mostly empty range.
 */
export function fittedRange(xs, markers, from, to) {
  const times = [...xs, ...markers.map((m) => m.at)];
  if (times.length === 0) return [from, to];
  const first = Math.min(...times);
  const last = Math.max(...times);
  const margin = Math.max(60_000, (last - first) * 0.05);
  return [Math.max(from, first - margin), Math.min(to, last + margin)];
}

/** The index of the line whose value at point `idx` is nearest the cursor's height. */
function nearestLine(u, idx) {
  const cursorValue = u.posToVal(u.cursor.top, 'y');
  let best = -1;
  for (let i = 1; i < u.data.length; i++) {
    const v = u.data[i][idx];
    if (v === null || v === undefined) continue;
    if (best < 0 || Math.abs(v - cursorValue) < Math.abs(u.data[best][idx] - cursorValue)) best = i;
  }
  return best - 1;
}

/**
 * A time-series line chart (uPlot) of `lines` ([{ label, points: [[epochMs, value|null]] }]) sharing
 * one x axis over [from, to] (epoch ms): timestamps are merged and gaps left as gaps. uPlot is
 * loaded on first use, so the other views work even where the chart library is not served.
 * `markers` ([{ at, value }]) are drawn over the lines, inside the plot (the y scale reaches the
 * highest); `onPick(epochMs, line)` is called with the point nearest a click and its line;
 * `onRange(fromMs, toMs)` with a range dragged across the plot. With `fit`, the time axis spans the
 * data (and markers) instead of all of [from, to]. A click on a legend entry hides or shows its line.
 */
export async function lineChart({
  title,
  lines,
  from,
  to,
  unit = '',
  width,
  height = 260,
  colors = PALETTE,
  markers = [],
  onPick,
  onRange,
  fit = false,
}) {
  const xs = [...new Set(lines.flatMap((l) => l.points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const data = [xs.map((t) => t / 1000)];
  for (const line of lines) {
    const ys = new Array(xs.length).fill(null);
    for (const [t, v] of line.points) ys[index.get(t)] = v;
    data.push(ys);
  }
  const box = h('figure', {
    class: 'chart',
    'data-testid': 'chart',
    'data-points': String(lines.reduce((n, l) => n + l.points.filter(([, v]) => v !== null).length, 0)),
    'data-from': from,
    'data-to': to,
    'data-markers': markers.length,
  });
  box.append(h('figcaption', {}, title));
  const [xMin, xMax] = fit ? fittedRange(xs, markers, from, to) : [from, to];
  box.dataset.xMin = String(xMin);
  box.dataset.xMax = String(xMax);
  box.dataset.unit = unit;
  const highestMarker = Math.max(...markers.map((m) => m.value), Number.NEGATIVE_INFINITY);
  let dragged = false;
  const opts = {
    width,
    height,
    legend: { live: true },
    cursor: { focus: { prox: 16 }, drag: { x: Boolean(onRange), y: false, setScale: false } },
    scales: {
      x: { time: true, range: () => [xMin / 1000, xMax / 1000] },
      // Room above the highest line or marker, so no marker sits clipped on the edge.
      y: {
        range: (_, min, max) => {
          const top = Math.max(max ?? 0, highestMarker);
          const bottom = Math.min(0, min ?? 0);
          return [bottom, top === bottom ? bottom + 1 : top + (top - bottom) * 0.08];
        },
      },
    },
    axes: [
      {},
      {
        label: unit || undefined,
        values: (_, ticks) => ticks.map((v) => formatNumber(v)),
        size: 60,
      },
    ],
    series: [
      {},
      ...lines.map((line, i) => ({
        label: line.label,
        stroke: colors[i % colors.length],
        width: 2,
        points: { show: xs.length < 40 },
        spanGaps: false,
        value: (_, v) => (v === null ? '–' : formatNumber(v)),
      })),
    ],
    hooks: {
      draw: [
        (u) => {
          box.dataset.yMax = String(u.scales.y.max);
          if (markers.length) drawMarkers(u, markers);
        },
      ],
      setSelect: onRange
        ? [
            (u) => {
              if (u.select.width < 5) return;
              dragged = true;
              const a = u.posToVal(u.select.left, 'x') * 1000;
              const b = u.posToVal(u.select.left + u.select.width, 'x') * 1000;
              onRange(Math.round(a), Math.round(b));
            },
          ]
        : [],
      ready: onPick
        ? [
            (u) => {
              u.over.classList.add('pickable');
              u.over.addEventListener('click', () => {
                // The click ending a drag picked a range, not a point.
                if (dragged) return;
                const idx = u.cursor.idx;
                const line = idx === null || idx === undefined ? -1 : nearestLine(u, idx);
                if (line >= 0) onPick(xs[idx], lines[line]);
              });
            },
          ]
        : [],
    },
  };
  // uPlot draws on a canvas; the element may still be detached, so the size is given explicitly.
  const { default: uPlot } = await import('../vendor/uplot/uPlot.esm.js');
  new uPlot(opts, data, box);
  return box;
}
