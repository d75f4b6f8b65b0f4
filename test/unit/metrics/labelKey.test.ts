import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalLabels, labelKey } from '../../../src/metrics/labelKey.js';
import { metricNameProblem, shortName } from '../../../src/metrics/metricName.js';

const labelSets = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), {
  maxKeys: 5,
});

describe('labelKey', () => {
  it('ignores key order', () => {
    expect(labelKey({ b: '2', a: '1' })).toBe(labelKey({ a: '1', b: '2' }));
    expect(labelKey(undefined)).toBe(labelKey({}));
  });

  it('tells different label sets apart whatever their content', () => {
    fc.assert(
      fc.property(labelSets, labelSets, (a, b) => {
        const same = JSON.stringify(canonicalLabels(a)) === JSON.stringify(canonicalLabels(b));
        expect(labelKey(a) === labelKey(b)).toBe(same);
      }),
      { numRuns: 3000 },
    );
    expect(labelKey({ a: '1,b=2' })).not.toBe(labelKey({ a: '1', b: '2' }));
  });

  it('canonical labels are sorted strings; bad sets are described, not thrown', () => {
    expect(canonicalLabels({ z: 1, a: true })).toEqual({ a: 'true', z: '1' });
    expect(Object.keys(canonicalLabels({ z: '1', a: '2' }) as object)).toEqual(['a', 'z']);
    expect(canonicalLabels({ a: 'x'.repeat(2000) })).toMatch(/longer than 1024/);
    expect(canonicalLabels({ a: { nested: 1 } as unknown as string })).toMatch(/not a string/);
    expect(canonicalLabels('text' as unknown as Record<string, string>)).toMatch(/must be an object/);
    expect(canonicalLabels(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`k${i}`, 'v'])))).toMatch(
      /more than 32/,
    );
  });
});

describe('metric names', () => {
  it('accepts OpenTelemetry and Prometheus style names and refuses the rest with a reason', () => {
    for (const ok of ['http.server.duration', 'jobs_total', 'ns:rule:rate5m', 'a/b-c'])
      expect(metricNameProblem(ok)).toBeUndefined();
    expect(metricNameProblem('')).toMatch(/non-empty/);
    expect(metricNameProblem('1abc')).toMatch(/start with a letter/);
    expect(metricNameProblem('has space')).toMatch(/only letters/);
    expect(metricNameProblem('x'.repeat(10_000))).toMatch(/longer than 255/);
    expect(metricNameProblem(42)).toMatch(/string/);
    expect(shortName('x'.repeat(10_000)).length).toBeLessThan(90);
  });
});
