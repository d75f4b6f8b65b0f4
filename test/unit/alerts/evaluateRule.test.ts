import { describe, expect, it } from 'vitest';
import { alertFingerprint } from '../../../src/alerts/rules/alertFingerprint.js';
import { evaluateRule, type KnownInstance } from '../../../src/alerts/rules/evaluateRule.js';
import { validateRule } from '../../../src/alerts/rules/validateRule.js';

const rule = validateRule({
  name: 'queue',
  source: { kind: 'sql', sql: 'SELECT 1 AS value' },
  levels: [{ severity: 'warning', threshold: 10 }],
  labels: { team: 'ops' },
  annotations: { summary: '{{labels.queue}} has {{value}} jobs' },
});

function sample(queue: string, value: number) {
  return { labels: { queue }, value, details: {} };
}

describe('applying one evaluation to the instances of a rule', () => {
  it('creates instances only for series that are active, with labels and rendered annotations', () => {
    const updates = evaluateRule(
      rule,
      new Map(),
      { ok: true, samples: [sample('mail', 12), sample('sms', 1)] },
      0,
    );
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      fingerprint: alertFingerprint('queue', { queue: 'mail' }),
      labels: { queue: 'mail', team: 'ops', alertname: 'queue', severity: 'warning' },
      annotations: { summary: 'mail has 12 jobs' },
      isNew: true,
    });
    expect(updates[0]!.next.state).toBe('firing');
  });

  it('fingerprints ignore label order', () => {
    expect(alertFingerprint('r', { a: '1', b: '2' })).toBe(alertFingerprint('r', { b: '2', a: '1' }));
    expect(alertFingerprint('r', { a: '1' })).not.toBe(alertFingerprint('s', { a: '1' }));
  });

  it('an error reaches every known instance, or one rule-level instance when none is known', () => {
    const [first] = evaluateRule(rule, new Map(), { ok: true, samples: [sample('mail', 12)] }, 0);
    const known = new Map<string, KnownInstance>([
      [first!.fingerprint, { labels: first!.seriesLabels, state: first!.next }],
    ]);
    const failed = evaluateRule(rule, known, { ok: false, error: 'timeout' }, 1);
    expect(failed.map((u) => [u.fingerprint, u.next.state, u.next.error])).toEqual([
      [first!.fingerprint, 'error', 'timeout'],
    ]);
    const fresh = evaluateRule(rule, new Map(), { ok: false, error: 'timeout' }, 1);
    expect(fresh.map((u) => [u.fingerprint, u.next.state])).toEqual([
      [alertFingerprint('queue', {}), 'error'],
    ]);
  });

  it('an empty result is no data; a missing series among others is absent (resolves)', () => {
    const [first] = evaluateRule(rule, new Map(), { ok: true, samples: [sample('mail', 12)] }, 0);
    const known = new Map<string, KnownInstance>([
      [first!.fingerprint, { labels: first!.seriesLabels, state: first!.next }],
    ]);
    expect(evaluateRule(rule, known, { ok: true, samples: [] }, 1)[0]!.next.state).toBe('nodata');
    const other = evaluateRule(rule, known, { ok: true, samples: [sample('sms', 1)] }, 1);
    expect(other.map((u) => [u.seriesLabels.queue, u.input.kind, u.next.state])).toEqual([
      ['mail', 'absent', 'resolved'],
    ]);
  });
});
