import { describe, expect, it } from 'vitest';
import { ExemplarReservoir, type SpanIds } from '../../../src/metrics/ExemplarReservoir.js';

/** A seeded uniform source (mulberry32), so every run samples the same observations. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A reservoir whose active span is whatever `current.span` holds, counting the look-ups. */
function reservoir(size: number, seed = 1) {
  const current: { span: SpanIds | undefined; lookups: number; time: number } = {
    span: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) },
    lookups: 0,
    time: 1_000,
  };
  const r = new ExemplarReservoir(size, {
    activeSpan: () => {
      current.lookups++;
      return current.span;
    },
    now: () => current.time,
    random: seeded(seed),
  });
  return { r, current };
}

describe('ExemplarReservoir', () => {
  it('always keeps the highest value observed in a span, and at most `size` exemplars', () => {
    const { r } = reservoir(4);
    const random = seeded(7);
    for (let i = 0; i < 100_000; i++) r.offer(random() * 100);
    r.offer(5_000);
    for (let i = 0; i < 1_000; i++) r.offer(random() * 100);
    const kept = r.take();
    expect(kept.length).toBeLessThanOrEqual(4);
    expect(kept.length).toBeGreaterThan(1);
    expect(kept[0]).toEqual({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), value: 5_000, time: 1_000 });
    expect(kept.map((e) => e.value)).toEqual([...kept.map((e) => e.value)].sort((a, b) => b - a));
  });

  it('keeps nothing outside a span and looks the span up only for candidates', () => {
    const { r, current } = reservoir(4);
    current.span = undefined;
    const random = seeded(3);
    for (let i = 0; i < 100_000; i++) r.offer(random() * 100);
    expect(r.take()).toEqual([]);
    // Running maxima (~ln n) and Algorithm L's picks (~k ln(n/k)): a few dozen, not 100,000.
    expect(current.lookups).toBeGreaterThan(3);
    expect(current.lookups).toBeLessThan(200);
  });

  it('keeps the highest value seen in a span when a higher one came outside (partial sampling)', () => {
    const { r, current } = reservoir(1);
    r.offer(10);
    current.span = undefined;
    r.offer(50);
    current.span = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) };
    r.offer(20);
    r.offer(15);
    // The unsampled 50 has no trace; the outlier recorded in a span after it, 20, takes slot 0.
    expect(r.take().map((e) => [e.value, e.traceId[0]])).toEqual([[20, 'c']]);
  });

  it('after 32 new maxima outside spans in an interval, only values above the highest seen are looked up', () => {
    const { r, current } = reservoir(1);
    current.span = undefined;
    for (let i = 1; i <= 40; i++) r.offer(i * 10);
    expect(current.lookups).toBe(40);
    current.span = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) };
    r.offer(300); // below the bar of 400 set once the budget ran out: not even looked up
    expect(current.lookups).toBe(40);
    r.offer(401);
    expect(r.take().map((e) => e.value)).toEqual([401]);
  });

  it('is deterministic for a given random source and empties at each interval', () => {
    const run = () => {
      const { r } = reservoir(4, 42);
      for (let i = 0; i < 10_000; i++) r.offer((i * 7919) % 1000);
      return r.take().map((e) => e.value);
    };
    expect(run()).toEqual(run());
    const { r } = reservoir(4);
    r.offer(1);
    expect(r.take()).toHaveLength(1);
    expect(r.take()).toEqual([]);
    expect(r.peek()).toEqual([]);
  });

  it('samples the whole interval uniformly, not just its start', () => {
    let sum = 0;
    let n = 0;
    for (let trial = 0; trial < 2_000; trial++) {
      const { r } = reservoir(4, trial + 1);
      // Decreasing values: slot 0 holds the first; the other three are the uniform sample.
      for (let i = 999; i >= 0; i--) r.offer(i);
      for (const e of r.take().slice(1)) {
        sum += e.value;
        n++;
      }
    }
    expect(n).toBeGreaterThan(5_000);
    expect(sum / n).toBeGreaterThan(470);
    expect(sum / n).toBeLessThan(530);
  });

  it('with one slot keeps only the maximum', () => {
    const { r, current } = reservoir(1);
    for (let i = 0; i < 1_000; i++) r.offer(i % 10);
    expect(r.take().map((e) => e.value)).toEqual([9]);
    expect(current.lookups).toBe(10);
  });
});
