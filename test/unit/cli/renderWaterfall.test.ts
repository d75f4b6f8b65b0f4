import { describe, expect, it } from 'vitest';
import { renderWaterfall, type WaterfallSpan } from '../../../src/cli/renderWaterfall.js';
import { styleFor } from '../../../src/cli/Style.js';

const span = (over: Partial<WaterfallSpan>): WaterfallSpan => ({
  operationName: 'op',
  serviceName: 'svc',
  status: 'ok',
  depth: 0,
  offsetMs: 0,
  durationMs: 100,
  ...over,
});

/** The bar column of each span line: [first cell, cell count]. */
function bars(text: string, nameWidth: number, barWidth: number): [number, number][] {
  return text
    .split('\n')
    .slice(1, -1)
    .map((line) => {
      const track = line.slice(nameWidth + 2, nameWidth + 2 + barWidth);
      const start = track.search(/[█▒]/);
      return [start, track.replace(/[^█▒]/g, '').length];
    });
}

describe('renderWaterfall', () => {
  const spans = [
    span({ operationName: 'GET /orders', serviceName: 'api', durationMs: 200 }),
    span({ operationName: 'load order', depth: 1, offsetMs: 0, durationMs: 50 }),
    span({ operationName: 'charge card', serviceName: 'payments', depth: 1, offsetMs: 100, durationMs: 100 }),
    span({ operationName: 'INSERT', depth: 2, offsetMs: 150, durationMs: 0.01 }),
  ];

  it('indents children under their parent by depth', () => {
    const lines = renderWaterfall(spans, { nameWidth: 30, barWidth: 20 }).split('\n');
    expect(lines[1]).toMatch(/^GET \/orders \[api\]/);
    expect(lines[2]).toMatch(/^ {2}load order \[svc\]/);
    expect(lines[3]).toMatch(/^ {2}charge card \[payments\]/);
    expect(lines[4]).toMatch(/^ {4}INSERT \[svc\]/);
  });

  it('places and sizes bars on the trace time axis, at least one cell each', () => {
    const text = renderWaterfall(spans, { nameWidth: 30, barWidth: 20 });
    expect(bars(text, 30, 20)).toEqual([
      [0, 20],
      [0, 5],
      [10, 10],
      [15, 1],
    ]);
    expect(text.split('\n')[0]).toMatch(/0 +200ms$/);
  });

  it('marks errors with their message and a distinct bar, and spans whose parent is missing', () => {
    const text = renderWaterfall(
      [
        span({ durationMs: 10 }),
        span({ operationName: 'charge', depth: 1, status: 'error', statusMessage: 'card declined' }),
        span({ operationName: 'orphan', missingParent: true }),
      ],
      { nameWidth: 30, barWidth: 10 },
    );
    const lines = text.split('\n');
    expect(lines[2]).toMatch(/^ {2}✗ charge \[svc\]/);
    expect(lines[2]).toContain('▒');
    expect(lines[2]).toMatch(/card declined$/);
    expect(lines[1]).not.toContain('✗');
    expect(lines[3]).toMatch(/^\? orphan/);
  });

  it('truncates long names to the name column and keeps plain text without a style', () => {
    const text = renderWaterfall([span({ operationName: 'x'.repeat(100) })], { nameWidth: 20, barWidth: 10 });
    expect(text.split('\n')[1]!.indexOf('█')).toBe(22);
    expect(text).toContain('…');
    expect(text).not.toContain('\u001b[');
  });

  it('colours error bars red when colour is on', () => {
    const style = styleFor({ env: {}, isTTY: true });
    const text = renderWaterfall([span({ status: 'error' })], { style });
    expect(text).toContain('\u001b[31m');
  });

  it('renders an empty trace as the axis only', () => {
    expect(renderWaterfall([]).split('\n')).toHaveLength(2);
  });
});
