import { describe, expect, it } from 'vitest';
import { matchersMatch, silences, validateMatchers } from '../../../src/alerts/silences/Silence.js';

const labels = { alertname: 'HighLatency', service: 'api', severity: 'warning' };

describe('silence matchers (Alertmanager semantics)', () => {
  it('matches equality, inequality and anchored regexes; a missing label is empty', () => {
    expect(matchersMatch([{ name: 'alertname', value: 'HighLatency' }], labels)).toBe(true);
    expect(matchersMatch([{ name: 'service', value: 'api', op: '!=' }], labels)).toBe(false);
    expect(matchersMatch([{ name: 'service', value: 'ap', op: '=~' }], labels)).toBe(false);
    expect(matchersMatch([{ name: 'service', value: 'a.i|web', op: '=~' }], labels)).toBe(true);
    expect(matchersMatch([{ name: 'severity', value: 'crit.*', op: '!~' }], labels)).toBe(true);
    expect(matchersMatch([{ name: 'team', value: '' }], labels)).toBe(true);
  });

  it('is in effect only within its time range', () => {
    const silence = {
      id: 1,
      matchers: [{ name: 'service', value: 'api' }],
      startsAt: new Date(1000),
      endsAt: new Date(2000),
      createdBy: 'me',
      comment: '',
      createdAt: new Date(0),
    };
    expect([999, 1000, 1999, 2000].map((t) => silences(silence, labels, t))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it('refuses empty matcher lists, bad operators and broken regexes', () => {
    expect(() => validateMatchers([])).toThrow(/at least one matcher/);
    expect(() => validateMatchers([{ name: 'a', value: 'b', op: '==' as never }])).toThrow(/op must be/);
    expect(() => validateMatchers([{ name: 'a', value: '(', op: '=~' }])).toThrow(
      /"\(" is not a valid RE2 regular expression \(missing closing \)/,
    );
  });

  it('refuses backreferences and lookarounds at creation, naming the matcher', () => {
    for (const value of ['(a)\\1', 'a(?=b)', '(?<!x)y', 'a(?!b)'])
      expect(() =>
        validateMatchers([
          { name: 'job', value: 'x' },
          { name: 'a', value, op: '=~' },
        ]),
      ).toThrow(/^matcher 2: .* backreferences and lookarounds are not supported/);
    expect(() => validateMatchers([{ name: 'a', value: 'x'.repeat(1025), op: '=~' }])).toThrow(
      /longer than 1024/,
    );
  });

  it('matches regexes whole (anchored) and treats an alternation as a whole-value choice', () => {
    const m = (value: string, actual: string) =>
      matchersMatch([{ name: 'a', value, op: '=~' }], { a: actual });
    expect(m('api|web', 'api')).toBe(true);
    expect(m('api|web', 'xapi')).toBe(false);
    expect(m('api|web', 'webx')).toBe(false);
    expect(m('web-.*', 'web-1')).toBe(true);
    expect(matchersMatch([{ name: 'a', value: 'api|web', op: '!~' }], { a: 'db' })).toBe(true);
  });

  it('matches a catastrophic pattern against a long label in linear time (no backtracking)', () => {
    // A backtracking engine takes 2^n steps here: with n = 50000 it would never return.
    const evil = [{ name: 'instance', value: '(a+)+b', op: '=~' as const }];
    expect(validateMatchers(evil)).toEqual(evil);
    expect(matchersMatch(evil, { instance: 'a'.repeat(50_000) })).toBe(false);
    expect(matchersMatch(evil, { instance: `${'a'.repeat(50_000)}b` })).toBe(true);
  }, 10_000);
});
