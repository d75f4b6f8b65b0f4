import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { GracefulShutdown } from '../../../src/health/GracefulShutdown.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { HEALTH_DEFAULTS } from '../../../src/health/healthDefaults.js';
import { createHealthHandlers } from '../../../src/health/healthHandlers.js';
import { nodeHealthListener } from '../../../src/health/nodeHealthListener.js';
import { createLogger } from '../../../src/logger.js';

interface Probe {
  path: string;
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

const doc = readFileSync(new URL('../../../docs/kubernetes-probes.md', import.meta.url), 'utf8');
const yaml = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';

function probe(name: string): Probe {
  const block = new RegExp(`${name}:\\n((?: {8}.*\\n)+)`).exec(yaml)?.[1] ?? '';
  const field = (key: string) =>
    /^\s+(\S+): (\S+)$/m.exec(block.split('\n').find((l) => l.trim().startsWith(`${key}:`)) ?? '')?.[2];
  return {
    path: field('path') ?? '',
    periodSeconds: Number(field('periodSeconds')),
    timeoutSeconds: Number(field('timeoutSeconds')),
    failureThreshold: Number(field('failureThreshold')),
  };
}

const probes = {
  startup: probe('startupProbe'),
  readiness: probe('readinessProbe'),
  liveness: probe('livenessProbe'),
};
const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(yaml)?.[1]);

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(checker: HealthChecker): Promise<{ base: string; server: Server }> {
  const server = createServer(nodeHealthListener(createHealthHandlers(checker)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** What the kubelet does: GET with timeoutSeconds; 200-399 is success; no answer in time is a failure. */
async function kubelet(base: string, p: Probe): Promise<number> {
  const response = await fetch(`${base}${p.path}`, { signal: AbortSignal.timeout(p.timeoutSeconds * 1000) });
  return response.status;
}

describe('the Kubernetes example in docs/kubernetes-probes.md', () => {
  it('uses the probe paths and numbers that match the defaults', () => {
    expect([probes.startup.path, probes.readiness.path, probes.liveness.path]).toEqual([
      '/startupz',
      '/readyz',
      '/livez',
    ]);
    for (const p of Object.values(probes)) {
      expect(p.timeoutSeconds * 1000).toBeGreaterThan(HEALTH_DEFAULTS.responseDeadlineMs);
    }
    expect(grace * 1000).toBe(HEALTH_DEFAULTS.gracePeriodMs);
    // Endpoints see a failing readiness before pgtel starts draining.
    expect(probes.readiness.periodSeconds * probes.readiness.failureThreshold * 1000).toBeLessThanOrEqual(
      HEALTH_DEFAULTS.readinessDelayMs,
    );
    // The default sequence with two hooks fits in the grace period, as the document says.
    const shutdown = new GracefulShutdown({ exit: false, logger: createLogger('silent') })
      .addHook('database', () => {})
      .addHook('telemetry', () => {});
    expect(shutdown.checkBudget()).toBeLessThan(grace * 1000);
  });

  it('every probe succeeds within its timeoutSeconds on a healthy pod', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'tables', probes: ['startup'], check: () => true });
    checker.addCheck({ name: 'database', check: () => true });
    const { base } = await serve(checker);
    for (const p of [probes.startup, probes.readiness, probes.liveness])
      expect(await kubelet(base, p)).toBe(200);
  });

  it('every probe answers within its timeoutSeconds when every check hangs; only liveness passes', async () => {
    const checker = new HealthChecker({ checkTimeoutMs: 60_000 });
    const never = () => new Promise<never>(() => {});
    checker.addCheck({ name: 'tables', probes: ['startup'], check: never });
    checker.addCheck({ name: 'database', check: never });
    const { base } = await serve(checker);
    const answers = await Promise.all(
      [probes.startup, probes.readiness, probes.liveness].map((p) => kubelet(base, p)),
    );
    expect(answers).toEqual([503, 503, 200]);
  });

  it('during shutdown the readiness probe fails and the liveness probe still passes', async () => {
    const checker = new HealthChecker();
    const { base, server } = await serve(checker);
    const shutdown = new GracefulShutdown({
      checker,
      readinessDelayMs: 0,
      exit: false,
      logger: createLogger('silent'),
    }).trackServer(server);
    let finishWork!: () => void;
    shutdown.track(
      new Promise<void>((resolve) => {
        finishWork = resolve;
      }),
    );
    const done = shutdown.shutdown('SIGTERM');
    const answers = await Promise.all([kubelet(base, probes.readiness), kubelet(base, probes.liveness)]);
    expect(answers).toEqual([503, 200]);
    finishWork();
    expect((await done).exitCode).toBe(0);
  });
});
