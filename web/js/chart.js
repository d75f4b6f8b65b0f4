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
 * `markers` ([{ at, value }]) are drawn over the lines; `onPick(epochMs, line)` is called with the
 * point nearest a click and its line.
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
  const opts = {
    width,
    height,
    legend: { live: true },
    cursor: { focus: { prox: 16 } },
    scales: { x: { time: true, range: () => [from / 1000, to / 1000] } },
    axes: [
      {},
      { values: (_, ticks) => ticks.map((v) => `${formatNumber(v)}${unit ? ` ${unit}` : ''}`), size: 70 },
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
      draw: markers.length ? [(u) => drawMarkers(u, markers)] : [],
      ready: onPick
        ? [
            (u) => {
              u.over.classList.add('pickable');
              u.over.addEventListener('click', () => {
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
