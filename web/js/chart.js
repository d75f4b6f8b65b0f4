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

/**
 * A time-series line chart (uPlot) of `lines` ([{ label, points: [[epochMs, value|null]] }]) sharing
 * one x axis over [from, to] (epoch ms): timestamps are merged and gaps left as gaps. uPlot is
 * loaded on first use, so the other views work even where the chart library is not served.
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
  };
  // uPlot draws on a canvas; the element may still be detached, so the size is given explicitly.
  const { default: uPlot } = await import('../vendor/uplot/uPlot.esm.js');
  new uPlot(opts, data, box);
  return box;
}
