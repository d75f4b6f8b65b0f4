import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { HealthTransitionStore } from '../../../src/health/HealthTransitionStore.js';
import { createLogger } from '../../../src/logger.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const quiet = createLogger('silent');

describe('HealthTransitionStore', () => {
  it('stores the transitions of a real checker and reads them back newest first', async () => {
    const store = new HealthTransitionStore(ctx.db, { instance: 'pod-a', logger: quiet });
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    let up = true;
    const checker = new HealthChecker({ clock, onTransition: store.record });
    checker.addCheck({ name: 'db', failMessage: 'Connection failed', check: () => up });
    await checker.readiness();
    up = false;
    clock.advance(5_000);
    await checker.readiness();
    expect(store.queued).toBeGreaterThan(0);
    expect(await store.flush()).toBe(5);
    expect(await store.flush()).toBe(0);
    const db = await store.recent({ subject: 'db' });
    expect(db.map((t) => `${t.from}->${t.to} ${t.message}`)).toEqual([
      'pass->fail Connection failed',
      'unknown->pass OK',
    ]);
    expect(db[0]).toMatchObject({ instance: 'pod-a', kind: 'check', at: new Date('2026-03-01T10:00:05Z') });
    const readiness = await store.recent({ subject: 'readiness', limit: 1 });
    expect(readiness).toHaveLength(1);
    expect(readiness[0]).toMatchObject({ to: 'fail', message: 'Dependencies unhealthy: db' });
  });

  it('keeps rows through a failed flush, and bounds the queue', async () => {
    const store = new HealthTransitionStore(ctx.db, { instance: 'pod-b', maxQueued: 2, logger: quiet });
    const at = new Date('2026-03-02T00:00:00Z');
    for (const subject of ['a', 'b', 'c']) {
      store.record({ kind: 'check', subject, from: 'unknown', to: 'pass', message: 'OK', at });
    }
    expect(store.dropped).toBe(1);
    await ctx.db.exec(`ALTER TABLE ${ctx.db.table('health_transitions')} RENAME TO health_transitions_away`);
    try {
      await expect(store.flush()).rejects.toThrow(/health_transitions/);
      expect(store.queued).toBe(2);
    } finally {
      await ctx.db.exec(
        `ALTER TABLE ${ctx.db.table('health_transitions_away')} RENAME TO health_transitions`,
      );
    }
    expect(await store.flush()).toBe(2);
    const stored = await store.recent();
    expect(
      stored
        .filter((t) => t.instance === 'pod-b')
        .map((t) => t.subject)
        .sort(),
    ).toEqual(['a', 'b']);
  });

  it('start/stop flush in the background without leaving a timer', () => {
    const store = new HealthTransitionStore(ctx.db, { logger: quiet });
    store.start(60_000);
    store.start(60_000);
    store.stop();
    expect(store.queued).toBe(0);
  });
});
