import { describe, expect, it } from 'vitest';
import { decideNotification, markNotified } from '../../../src/alerts/rules/decideNotification.js';
import { type InstanceState, initialInstanceState } from '../../../src/alerts/rules/InstanceState.js';

const HOUR = 3_600_000;
const firing: InstanceState = {
  ...initialInstanceState,
  state: 'firing',
  severity: 'warning',
  firingSince: 0,
};
const ctx = { now: 0, repeatIntervalMs: 4 * HOUR, silenced: false, acknowledged: false };

describe('notification decisions', () => {
  it('notifies a new firing alert once, then again after the repeat interval', () => {
    expect(decideNotification(firing, ctx).notify).toBe('firing');
    const notified = markNotified(firing, 'firing', 0);
    expect(decideNotification(notified, { ...ctx, now: 4 * HOUR - 1 }).notify).toBeNull();
    expect(decideNotification(notified, { ...ctx, now: 4 * HOUR }).notify).toBe('firing');
  });

  it('notifies at once when the severity changes', () => {
    const notified = markNotified(firing, 'firing', 0);
    expect(decideNotification({ ...notified, severity: 'critical' }, { ...ctx, now: 1 }).notify).toBe(
      'firing',
    );
  });

  it('notifies the resolve only when the firing was notified', () => {
    const resolved: InstanceState = { ...firing, state: 'resolved', firingSince: null };
    expect(decideNotification(resolved, ctx).notify).toBeNull();
    expect(decideNotification(markNotified(resolved, 'firing', 0), ctx).notify).toBe('resolved');
    expect(decideNotification(markNotified(resolved, 'resolved', 0), ctx).notify).toBeNull();
  });

  it('sends nothing for no data or errors of a firing alert', () => {
    const notified = markNotified(firing, 'firing', 0);
    expect(decideNotification({ ...notified, state: 'error' }, { ...ctx, now: 1 }).notify).toBeNull();
    expect(decideNotification({ ...notified, state: 'nodata' }, { ...ctx, now: 5 * HOUR }).notify).toBeNull();
  });

  it('silences, flapping and acknowledgements hold notifications back', () => {
    expect(decideNotification(firing, { ...ctx, silenced: true })).toEqual({
      notify: null,
      suppressedBy: 'silence',
    });
    expect(decideNotification({ ...firing, flapping: true }, ctx)).toEqual({
      notify: null,
      suppressedBy: 'flapping',
    });
    // Flapping holds firing notifications, never the resolve of a notified alert.
    const flappingResolved = {
      ...markNotified(firing, 'firing', 0),
      state: 'resolved' as const,
      firingSince: null,
      flapping: true,
    };
    expect(decideNotification(flappingResolved, ctx)).toEqual({ notify: 'resolved' });
    const notified = markNotified(firing, 'firing', 0);
    expect(decideNotification(notified, { ...ctx, now: 5 * HOUR, acknowledged: true })).toEqual({
      notify: null,
      suppressedBy: 'acknowledged',
    });
    // An acknowledged alert still tells when it resolves.
    const resolved = { ...notified, state: 'resolved' as const, firingSince: null };
    expect(decideNotification(resolved, { ...ctx, acknowledged: true }).notify).toBe('resolved');
  });
});
