import { describe, expect, it } from 'vitest';
import { mapInSlices, TimeSlicer } from '../../../src/otlp/TimeSlicer.js';

describe('TimeSlicer', () => {
  it('maps in slices: same result as map, with turns of the event loop in between', async () => {
    const items = Array.from({ length: 200_000 }, (_, i) => i);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const doubled = await mapInSlices(items, (i) => ({ i: i * 2, text: String(i) }), new TimeSlicer(1));
    clearInterval(ticker);
    expect(doubled.map((d) => d.i)).toEqual(items.map((i) => i * 2));
    expect(turns).toBeGreaterThan(0);
  });

  it('throws the abort reason at the next pause', async () => {
    const controller = new AbortController();
    const slicer = new TimeSlicer(0, controller.signal);
    controller.abort(new Error('gone'));
    await expect(slicer.pause()).rejects.toThrow('gone');
  });
});
