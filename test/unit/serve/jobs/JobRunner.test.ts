import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/logger.js';
import { JobRunner } from '../../../../src/serve/jobs/JobRunner.js';

describe('JobRunner', () => {
  it('runs a job on demand, counts failures and keeps going', async () => {
    const lines: string[] = [];
    const runner = new JobRunner({ logger: createLogger('warn', (l) => lines.push(l)) });
    let calls = 0;
    runner.add({
      name: 'flaky',
      intervalMs: 60_000,
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('password=hunter2 rejected');
      },
    });
    await runner.runNow('flaky');
    await runner.runNow('flaky');
    const [stats] = runner.stats();
    expect(stats).toMatchObject({ name: 'flaky', runs: 2, failures: 1 });
    expect(lines.join('')).toContain('job flaky failed');
    expect(lines.join('')).not.toContain('hunter2');
    await runner.stop();
  });

  it('starts every job at once and waits for runs in flight on stop', async () => {
    const runner = new JobRunner({ logger: createLogger('silent') });
    let finished = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started = new Promise<void>((resolve) => {
      runner.add({
        name: 'slow',
        intervalMs: 60_000,
        run: async () => {
          resolve();
          await gate;
          finished = true;
        },
      });
    });
    runner.start();
    await started;
    const stopping = runner.stop();
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(runner.stats()[0]?.runs).toBe(1);
  });

  it('never runs two runs of one job at the same time', async () => {
    const runner = new JobRunner({ logger: createLogger('silent') });
    let inFlight = 0;
    let maxInFlight = 0;
    runner.add({
      name: 'single',
      intervalMs: 60_000,
      run: async () => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
      },
    });
    await Promise.all([runner.runNow('single'), runner.runNow('single'), runner.runNow('single')]);
    expect(maxInFlight).toBe(1);
    expect(runner.stats()[0]?.runs).toBe(3);
    await runner.stop();
  });
});
