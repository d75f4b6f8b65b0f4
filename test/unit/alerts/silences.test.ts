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
      /invalid regular expression/,
    );
  });
});
