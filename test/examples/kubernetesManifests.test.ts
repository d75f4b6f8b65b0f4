import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GracefulShutdown } from '../../src/health/GracefulShutdown.js';
import { HEALTH_DEFAULTS } from '../../src/health/healthDefaults.js';
import { createLogger } from '../../src/logger.js';

interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}
interface Container {
  name: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  spec: {
    selector?: { matchLabels?: Record<string, string> } & Record<string, string>;
    ports?: { port: number; targetPort: string | number }[];
    template?: { metadata?: { labels?: Record<string, string> }; spec: PodSpec };
  };
}

const dir = new URL('../../examples/kubernetes/', import.meta.url);
const manifests: Manifest[] = ['migrate-job.yaml', 'pgtel-serve.yaml', 'app.yaml'].flatMap((file) =>
  parseAllDocuments(readFileSync(new URL(file, dir), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    return doc.toJS() as Manifest;
  }),
);
const find = (kind: string, name: string): Manifest => {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
};
const env = (c: Container, name: string) => c.env?.find((e) => e.name === name)?.value;

/** Shutdown hooks each process registers: the app example's two, and `pgtel serve`'s three. */
const deployments = [
  { name: 'orders-api', hooks: ['database', 'telemetry'] },
  { name: 'pgtel', hooks: ['database', 'metrics flush', 'background jobs'] },
];

describe('examples/kubernetes', () => {
  it('has a migration Job running `pgtel migrate`, and the CLI has that command', () => {
    const job = find('Job', 'pgtel-migrate');
    expect(job.spec.template?.spec.containers[0]?.args).toEqual(['migrate']);
    expect(find('Deployment', 'pgtel').spec.template?.spec.containers[0]?.args).toEqual(['serve']);
    for (const command of ['migrate', 'serve']) {
      expect(existsSync(new URL(`../../src/cli/commands/${command}.ts`, import.meta.url))).toBe(true);
    }
  });

  for (const { name, hooks } of deployments) {
    describe(`Deployment ${name}`, () => {
      const deployment = find('Deployment', name);
      const pod = deployment.spec.template!.spec;
      const container = pod.containers[0]!;
      const probes = {
        startup: container.startupProbe!,
        readiness: container.readinessProbe!,
        liveness: container.livenessProbe!,
      };

      it('probes pgtel`s endpoints on a declared port, each with a timeout pgtel always answers within', () => {
        expect([probes.startup, probes.readiness, probes.liveness].map((p) => p.httpGet.path)).toEqual([
          '/startupz',
          '/readyz',
          '/livez',
        ]);
        const portNames = container.ports?.map((p) => p.name);
        for (const probe of Object.values(probes)) {
          expect(portNames).toContain(probe.httpGet.port);
          expect(probe.timeoutSeconds * 1000).toBeGreaterThan(HEALTH_DEFAULTS.responseDeadlineMs);
        }
      });

      it('takes the pod out of the endpoints before pgtel stops serving, and fits shutdown in the grace period', () => {
        const readinessDelayMs = Number(env(container, 'PGTEL_SHUTDOWN_DELAY_MS'));
        expect(readinessDelayMs).toBe(HEALTH_DEFAULTS.readinessDelayMs);
        // Worst case from SIGTERM until the kubelet has seen readiness fail.
        expect(probes.readiness.periodSeconds * probes.readiness.failureThreshold * 1000).toBeLessThanOrEqual(
          readinessDelayMs,
        );
        // Liveness never restarts a pod that is merely shutting down or waiting on the database.
        expect(probes.liveness.periodSeconds * probes.liveness.failureThreshold * 1000).toBeGreaterThan(
          readinessDelayMs + HEALTH_DEFAULTS.drainTimeoutMs,
        );
        const gracePeriodMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
        expect(gracePeriodMs).toBe(HEALTH_DEFAULTS.gracePeriodMs);
        // install() refuses a worst case (delay + drain + every hook timeout) beyond the grace period.
        const shutdown = new GracefulShutdown({
          exit: false,
          readinessDelayMs,
          gracePeriodMs,
          logger: createLogger('silent'),
        });
        for (const hook of hooks) shutdown.addHook(hook, () => {});
        expect(() => shutdown.install()).not.toThrow();
        shutdown.uninstall();
        const worstCaseMs =
          readinessDelayMs + HEALTH_DEFAULTS.drainTimeoutMs + hooks.length * HEALTH_DEFAULTS.hookTimeoutMs;
        expect(worstCaseMs).toBeLessThan(gracePeriodMs);
      });

      it('gives startup at least five minutes before liveness and readiness take over', () => {
        expect(probes.startup.periodSeconds * probes.startup.failureThreshold).toBeGreaterThanOrEqual(300);
      });

      it('is selected by its Service, which targets the declared port', () => {
        const service = find('Service', name);
        const labels = deployment.spec.template!.metadata!.labels!;
        expect(deployment.spec.selector?.matchLabels).toEqual(labels);
        for (const [key, value] of Object.entries(service.spec.selector ?? {}))
          expect(labels[key]).toBe(value);
        expect(container.ports?.map((p) => p.name)).toContain(service.spec.ports?.[0]?.targetPort);
      });
    });
  }

  it('lets pgtel serve listen on every interface at the ports its container declares', () => {
    const container = find('Deployment', 'pgtel').spec.template!.spec.containers[0]!;
    expect(env(container, 'PGTEL_HOST')).toBe('0.0.0.0');
    expect(Number(env(container, 'PGTEL_PORT'))).toBe(container.ports?.[0]?.containerPort);
    const grpc = container.ports?.find((p) => p.name === 'otlp-grpc');
    expect(Number(env(container, 'PGTEL_GRPC_PORT'))).toBe(grpc?.containerPort);
    expect(find('Service', 'pgtel').spec.ports).toContainEqual(
      expect.objectContaining({ port: 4317, targetPort: 'otlp-grpc' }),
    );
  });
});
