import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../src/errors.js';
import { HealthChecker, type HealthTransition } from '../../../src/health/HealthChecker.js';
import type { HealthMetrics } from '../../../src/health/HealthMetrics.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';

/** A promise the test settles by hand. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const never = () => new Promise<never>(() => {});

describe('HealthChecker probes', () => {
  it('liveness is always healthy, does no I/O and says "alive", even while shutting down', () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'db', check: () => false });
    checker.beginShutdown();
    const status = checker.liveness();
    expect(status).toMatchObject({
      healthy: true,
      status: 'pass',
      details: { probe: 'liveness', checks: {} },
    });
    expect(status.message).toContain('alive');
    expect(status.checkedAt).toBeInstanceOf(Date);
  });

  it('refuses a liveness check, a duplicate name, a bad name and a bad timeout', () => {
    const checker = new HealthChecker();
    expect(() => checker.addCheck({ name: 'db', probes: ['liveness'], check: () => true })).toThrow(
      ValidationError,
    );
    expect(() => checker.addCheck({ name: 'db', probes: ['liveness'], check: () => true })).toThrow(
      /liveness/,
    );
    checker.addCheck({ name: 'db', check: () => true });
    expect(() => checker.addCheck({ name: 'db', check: () => true })).toThrow(ConflictError);
    expect(() => checker.addCheck({ name: 'a b', check: () => true })).toThrow(/invalid health check name/);
    expect(() => checker.addCheck({ name: 'x', timeoutMs: -1, check: () => true })).toThrow(/timeoutMs/);
    expect(() => checker.addCheck({ name: 'y', check: 'nope' as never })).toThrow(/check function/);
    expect(() => new HealthChecker({ cacheTtlMs: 0 })).toThrow(/cacheTtlMs/);
    expect(() => new HealthChecker({ checkTimeoutMs: 2 ** 31 })).toThrow(/checkTimeoutMs must be/);
    expect(() => new HealthChecker({ probeDeadlineMs: Number.NaN })).toThrow(/probeDeadlineMs/);
    expect(checker.checkNames()).toEqual(['db']);
  });

  it('keeps the seed readiness messages and details.checks.<name>.{healthy,message}', async () => {
    const checker = new HealthChecker();
    checker.addCheck({
      name: 'database',
      passMessage: 'Connected',
      failMessage: 'Connection failed',
      check: () => true,
    });
    checker.addCheck({ name: 'cache', check: () => true });
    const ok = await checker.readiness();
    expect(ok).toMatchObject({ healthy: true, status: 'pass', message: 'All dependencies healthy' });
    expect(ok.details.checks.database).toMatchObject({ healthy: true, message: 'Connected' });

    const failing = new HealthChecker();
    failing.addCheck({
      name: 'database',
      failMessage: 'Connection failed',
      check: () => Promise.reject(new Error('boom')),
    });
    failing.addCheck({ name: 'cache', check: () => true });
    const bad = await failing.readiness();
    expect(bad).toMatchObject({
      healthy: false,
      status: 'fail',
      message: 'Dependencies unhealthy: database',
    });
    expect(bad.details.checks.database).toMatchObject({
      healthy: false,
      message: 'Connection failed',
      error: 'boom',
    });
  });

  it('turns a synchronous throw, a rejection, garbage and a hang into failures, and never throws', async () => {
    const checker = new HealthChecker({ checkTimeoutMs: 20 });
    checker.addCheck({
      name: 'sync',
      check: () => {
        throw new Error('password=hunter2 refused');
      },
    });
    checker.addCheck({ name: 'reject', check: () => Promise.reject('plain string') });
    checker.addCheck({ name: 'garbage', check: () => 42 as never });
    checker.addCheck({ name: 'badstatus', check: () => ({ status: 'great' }) as never });
    checker.addCheck({ name: 'hang', check: never });
    const status = await checker.readiness();
    const checks = status.details.checks;
    expect(status.status).toBe('fail');
    expect(checks.sync?.message).toBe('password=*** refused');
    expect(checks.reject?.message).toBe('plain string');
    expect(checks.garbage?.message).toMatch(/invalid result \(number\)/);
    expect(checks.badstatus?.message).toMatch(/invalid status/);
    expect(checks.hang).toMatchObject({ healthy: false, message: 'timed out after 20 ms' });
  });

  it('aborts the signal of a check that times out', async () => {
    let seen: AbortSignal | undefined;
    const checker = new HealthChecker({ checkTimeoutMs: 10 });
    checker.addCheck({
      name: 'slow',
      check: (signal) => {
        seen = signal;
        return never();
      },
    });
    await checker.readiness();
    expect(seen?.aborted).toBe(true);
    expect(String(seen?.reason)).toMatch(/timed out/);
  });

  it('a failing non-critical check or a warn makes readiness warn, still ready', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'optional', critical: false, check: () => false });
    checker.addCheck({ name: 'pool', check: () => ({ status: 'warn', message: '9/10 in use' }) });
    const status = await checker.readiness();
    expect(status).toMatchObject({
      healthy: true,
      status: 'warn',
      message: 'Dependencies degraded: optional, pool',
    });
    expect(status.details.checks.optional).toMatchObject({ healthy: false, critical: false });
  });

  it('runs checks in parallel', async () => {
    const a = gate();
    const b = gate();
    const checker = new HealthChecker({ checkTimeoutMs: 5_000, probeDeadlineMs: 5_000 });
    const started: string[] = [];
    checker.addCheck({
      name: 'a',
      check: () => {
        started.push('a');
        return a.promise;
      },
    });
    checker.addCheck({
      name: 'b',
      check: () => {
        started.push('b');
        return b.promise;
      },
    });
    const pending = checker.readiness();
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.sort()).toEqual(['a', 'b']);
    b.open();
    a.open();
    expect((await pending).status).toBe('pass');
  });
});

describe('HealthChecker single-flight, cache and staleness', () => {
  it('100 concurrent probes during a slow check share one run', async () => {
    const slow = gate<boolean>();
    let runs = 0;
    const checker = new HealthChecker({ checkTimeoutMs: 5_000, probeDeadlineMs: 5_000 });
    checker.addCheck({
      name: 'slow',
      check: () => {
        runs++;
        return slow.promise;
      },
    });
    const all = Array.from({ length: 100 }, () => checker.readiness());
    slow.open(true);
    const results = await Promise.all(all);
    expect(runs).toBe(1);
    expect(results.every((r) => r.status === 'pass')).toBe(true);
  });

  it('serves a result for cacheTtlMs, then runs again', async () => {
    const clock = new ManualClock();
    let runs = 0;
    const checker = new HealthChecker({ clock, cacheTtlMs: 1_000 });
    checker.addCheck({ name: 'c', check: () => void runs++ });
    await checker.readiness();
    clock.advance(999);
    await checker.readiness();
    expect(runs).toBe(1);
    clock.advance(1);
    await checker.readiness();
    expect(runs).toBe(2);
  });

  it('when a refresh misses the deadline: the last result while younger than 3 intervals, then a failure', async () => {
    const clock = new ManualClock();
    let call = 0;
    const checker = new HealthChecker({
      clock,
      cacheTtlMs: 1_000,
      checkTimeoutMs: 60_000,
      probeDeadlineMs: 20,
    });
    checker.addCheck({ name: 'flaky', check: () => (call++ === 0 ? true : never()) });
    expect((await checker.readiness()).status).toBe('pass');
    clock.advance(2_500);
    expect((await checker.readiness()).status).toBe('pass');
    clock.advance(1_000);
    const stale = await checker.readiness();
    expect(stale.status).toBe('fail');
    expect(stale.details.checks.flaky?.error).toMatch(/stale \(3500 ms old, limit 3000 ms\)/);
  });

  it('a check that hangs past the probe deadline with no earlier result fails at the deadline', async () => {
    const checker = new HealthChecker({ checkTimeoutMs: 60_000, probeDeadlineMs: 15 });
    checker.addCheck({ name: 'hang', failMessage: 'Connection failed', check: never });
    const status = await checker.readiness();
    expect(status.details.checks.hang).toMatchObject({
      message: 'Connection failed',
      error: 'no result within the 15 ms probe deadline',
    });
  });

  it('background refresh: probes read the last results; start/stop leave no timer', async () => {
    let runs = 0;
    const checker = new HealthChecker({ refreshIntervalMs: 60_000 });
    checker.addCheck({ name: 'bg', check: () => void runs++ });
    checker.start();
    checker.start();
    await checker.readiness();
    await checker.readiness();
    expect(runs).toBe(1);
    checker.stop();
  });
});

describe('HealthChecker startup latch and manual readiness', () => {
  it('startup waits for its checks, latches once they pass, and readiness says "startup incomplete" until then', async () => {
    let loaded = false;
    let startupRuns = 0;
    const clock = new ManualClock();
    const checker = new HealthChecker({ clock });
    checker.addCheck({
      name: 'tables',
      probes: ['startup'],
      check: () => {
        startupRuns++;
        return loaded;
      },
    });
    checker.addCheck({ name: 'db', check: () => true });
    expect(await checker.startup()).toMatchObject({ healthy: false, message: 'Waiting for initial data' });
    clock.advance(1_000);
    expect(await checker.readiness()).toMatchObject({
      healthy: false,
      message: 'Not ready: startup incomplete',
    });
    expect(checker.startupComplete).toBe(false);
    loaded = true;
    clock.advance(1_000);
    expect(await checker.startup()).toMatchObject({ healthy: true, message: 'Initialization complete' });
    loaded = false;
    clock.advance(10_000);
    const runsAtLatch = startupRuns;
    expect(await checker.startup()).toMatchObject({ healthy: true, message: 'Initialization complete' });
    expect(await checker.readiness()).toMatchObject({ healthy: true, message: 'All dependencies healthy' });
    expect(startupRuns).toBe(runsAtLatch);
  });

  it('readiness drives startup itself when nobody probes /startupz; an excluded startup check does not latch', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'tables', probes: ['startup'], check: () => true });
    expect((await checker.readiness({ exclude: ['tables'] })).message).toBe('Not ready: startup incomplete');
    expect((await checker.readiness()).message).toBe('All dependencies healthy');
    expect(checker.startupComplete).toBe(true);
  });

  it('setNotReady / setReady, and shutdown wins over both', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'db', check: () => true });
    checker.setNotReady('maintenance token=abc');
    expect(await checker.readiness()).toMatchObject({
      healthy: false,
      message: 'Not ready: maintenance token=***',
    });
    checker.setReady();
    expect((await checker.readiness()).healthy).toBe(true);
    checker.beginShutdown();
    checker.setReady();
    expect(await checker.readiness()).toMatchObject({ healthy: false, message: 'Not ready: shutting down' });
    expect(checker.liveness().healthy).toBe(true);
  });

  it('health() reports the readiness verdict with startup and readiness checks', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'tables', probes: ['startup'], check: () => true });
    checker.addCheck({ name: 'db', check: () => true });
    const status = await checker.health();
    expect(status).toMatchObject({ healthy: true, details: { probe: 'health' } });
    expect(Object.keys(status.details.checks).sort()).toEqual(['db', 'tables']);
  });
});

describe('HealthChecker self-observation', () => {
  it('reports durations and transitions; a throwing sink or listener breaks nothing', async () => {
    const calls: string[] = [];
    const metrics: HealthMetrics = {
      histogram: (name, value, labels) =>
        calls.push(`h ${name} ${labels?.check} ${labels?.status} ${value >= 0}`),
      counter: (name, _value, labels) =>
        calls.push(`c ${name} ${labels?.kind}:${labels?.subject} ${labels?.from}->${labels?.to}`),
    };
    const transitions: HealthTransition[] = [];
    const clock = new ManualClock();
    let up = true;
    const checker = new HealthChecker({ clock, metrics, onTransition: (t) => transitions.push(t) });
    checker.addCheck({ name: 'db', check: () => up });
    await checker.readiness();
    up = false;
    clock.advance(5_000);
    await checker.readiness();
    expect(calls).toEqual([
      'c pgtel_health_transitions_total probe:startup unknown->pass',
      'h pgtel_health_check_duration_seconds db pass true',
      'c pgtel_health_transitions_total check:db unknown->pass',
      'c pgtel_health_transitions_total probe:readiness unknown->pass',
      'h pgtel_health_check_duration_seconds db fail true',
      'c pgtel_health_transitions_total check:db pass->fail',
      'c pgtel_health_transitions_total probe:readiness pass->fail',
    ]);
    expect(transitions.map((t) => `${t.subject}:${t.to}`)).toEqual([
      'startup:pass',
      'db:pass',
      'readiness:pass',
      'db:fail',
      'readiness:fail',
    ]);

    const throwing = new HealthChecker({
      metrics: {
        histogram: () => {
          throw new Error('x');
        },
        counter: () => {
          throw new Error('y');
        },
      },
      onTransition: () => {
        throw new Error('z');
      },
    });
    throwing.addCheck({ name: 'db', check: () => true });
    expect((await throwing.readiness()).status).toBe('pass');
  });
});
