import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { GracefulShutdown } from '../../../src/health/GracefulShutdown.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { checkShutdownBudget } from '../../../src/health/shutdownBudget.js';
import { createLogger } from '../../../src/logger.js';

const quiet = createLogger('silent');
const fast = { readinessDelayMs: 0, drainTimeoutMs: 50, exit: false, logger: quiet } as const;

describe('shutdown budget', () => {
  it('adds delay, drain and hook timeouts and refuses more than the grace period minus the margin', () => {
    const budget = {
      readinessDelayMs: 5_000,
      drainTimeoutMs: 10_000,
      gracePeriodMs: 30_000,
      marginMs: 1_000,
    };
    expect(checkShutdownBudget({ ...budget, hooks: [{ name: 'db', timeoutMs: 14_000 }] })).toBe(29_000);
    expect(() => checkShutdownBudget({ ...budget, hooks: [{ name: 'db', timeoutMs: 14_001 }] })).toThrow(
      ConfigError,
    );
    expect(() => checkShutdownBudget({ ...budget, hooks: [{ name: 'db', timeoutMs: 20_000 }] })).toThrow(
      /shutdown may take 35000 ms .*db 20000.*30000 ms grace period/,
    );
  });

  it('is checked at install, and a hook that breaks it after install is refused and not kept', () => {
    const tooLong = new GracefulShutdown({ logger: quiet, exit: false }).addHook('flush', () => {}, {
      timeoutMs: 20_000,
    });
    expect(() => tooLong.install()).toThrow(ConfigError);
    const shutdown = new GracefulShutdown({ logger: quiet, exit: false, signals: ['SIGUSR2'] }).install();
    try {
      expect(() => shutdown.addHook('slow', () => {}, { timeoutMs: 20_000 })).toThrow(ConfigError);
      expect(shutdown.checkBudget()).toBe(15_000);
    } finally {
      shutdown.uninstall();
    }
    expect(() => new GracefulShutdown({ drainTimeoutMs: -1 })).toThrow(/drainTimeoutMs/);
    expect(() => shutdown.addHook('x', () => {}, { timeoutMs: 0 })).toThrow(/positive/);
  });
});

describe('GracefulShutdown sequence (library mode)', () => {
  it('fails readiness at once, keeps liveness, runs hooks in reverse order with their own timeouts', async () => {
    const checker = new HealthChecker();
    const order: string[] = [];
    const shutdown = new GracefulShutdown({ ...fast, checker })
      .addHook('database', () => {
        order.push('database');
      })
      .addHook('broken', () => {
        throw new Error('flush failed: token=abc');
      })
      .addHook('hangs', () => new Promise(() => {}), { timeoutMs: 20 })
      .addHook('telemetry', async () => {
        order.push('telemetry');
      });
    const pending = shutdown.shutdown('test');
    expect(shutdown.shuttingDown).toBe(true);
    expect((await checker.readiness()).message).toBe('Not ready: shutting down');
    expect(checker.liveness().healthy).toBe(true);
    const report = await pending;
    expect(order).toEqual(['telemetry', 'database']);
    expect(report.hooks.map((h) => `${h.name}:${h.outcome}`)).toEqual([
      'telemetry:ok',
      'hangs:timed out',
      'broken:failed',
      'database:ok',
    ]);
    expect(report.hooks[2]?.error).toBe('flush failed: token=***');
    expect(report).toMatchObject({ reason: 'test', drained: true, forced: false, exitCode: 1 });
    expect(await shutdown.shutdown('again')).toBe(report);
  });

  it('waits for tracked tasks, bounded by the drain timeout', async () => {
    let finish!: () => void;
    const shutdown = new GracefulShutdown({ ...fast, drainTimeoutMs: 5_000 });
    const task = shutdown.track(
      new Promise<string>((resolve) => {
        finish = () => resolve('done');
      }),
    );
    let hookRan = false;
    shutdown.addHook('after', () => {
      hookRan = true;
    });
    const pending = shutdown.shutdown();
    await new Promise((resolve) => setImmediate(resolve));
    expect(hookRan).toBe(false);
    finish();
    expect(await task).toBe('done');
    expect(await pending).toMatchObject({ drained: true, exitCode: 0 });
    expect(hookRan).toBe(true);

    const stuck = new GracefulShutdown({ ...fast, drainTimeoutMs: 20 });
    stuck.track(new Promise(() => {}));
    expect(await stuck.shutdown()).toMatchObject({ drained: false, exitCode: 0 });
  });

  it('a tracked rejection is drained, not thrown', async () => {
    const shutdown = new GracefulShutdown(fast);
    const failing = shutdown.track(Promise.reject(new Error('task failed')));
    await expect(failing).rejects.toThrow('task failed');
    expect(await shutdown.shutdown()).toMatchObject({ drained: true });
  });
});
