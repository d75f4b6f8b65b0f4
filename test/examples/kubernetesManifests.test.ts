import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { GracefulShutdown } from '../../src/health/GracefulShutdown.js';
import { HEALTH_DEFAULTS } from '../../src/health/healthDefaults.js';
import { createLogger } from '../../src/logger.js';
import { eventually } from '../helpers/eventually.js';
import { spawnServe } from '../helpers/serveProcess.js';
import { createExampleStore, startExample } from './exampleProcess.js';

interface Probe {
  httpGet: { path: string; port: string | number };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}
interface Container {
  name: string;
  args?: string[];
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  volumeMounts?: { name: string; mountPath: string }[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  startupProbe?: Probe;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    seccompProfile?: { type: string };
  };
  volumes?: { name: string; emptyDir?: object }[];
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

describe('examples/kubernetes under the "restricted" Pod Security Standard', () => {
  const workloads = manifests.filter((m) => m.kind === 'Deployment' || m.kind === 'Job');

  it('covers the migration Job and both Deployments', () => {
    expect(workloads.map((m) => `${m.kind} ${m.metadata.name}`).sort()).toEqual([
      'Deployment orders-api',
      'Deployment pgtel',
      'Job pgtel-migrate',
    ]);
  });

  for (const workload of workloads) {
    const pod = workload.spec.template!.spec;
    describe(`${workload.kind} ${workload.metadata.name}`, () => {
      it('runs as a non-root user with the runtime default seccomp profile', () => {
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        expect(pod.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      });

      for (const container of pod.containers) {
        it(`container ${container.name}: no privilege escalation, no capabilities, read-only root, writable /tmp`, () => {
          const sc = container.securityContext;
          expect(sc?.allowPrivilegeEscalation).toBe(false);
          expect(sc?.capabilities?.drop).toEqual(['ALL']);
          expect(sc?.capabilities?.add ?? []).toEqual([]);
          expect(sc?.readOnlyRootFilesystem).toBe(true);
          const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
        });

        it(`container ${container.name}: requests CPU and memory and limits memory`, () => {
          expect(container.resources?.requests?.cpu).toMatch(/^\d+m?$/);
          expect(container.resources?.requests?.memory).toMatch(/^\d+[MG]i$/);
          expect(container.resources?.limits?.memory).toMatch(/^\d+[MG]i$/);
        });
      }
    });
  }

  it('gives pgtel serve a writable emptyDir where the image puts the ingest spool', () => {
    const pod = find('Deployment', 'pgtel').spec.template!.spec;
    const data = pod.containers[0]!.volumeMounts?.find((m) => m.mountPath === '/data');
    expect(pod.volumes?.find((v) => v.name === data?.name)?.emptyDir).toBeDefined();
    expect(readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')).toContain(
      'PGTEL_SPOOL_DIR=/data/spool',
    );
  });
});

describe('the processes of examples/kubernetes answer their probes on the pod address', () => {
  const store = createExampleStore();
  afterAll(() => store.dispose());
  // The kubelet probes the pod's IP, never loopback: this machine's own non-loopback address stands in.
  const podAddress = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  /** The container's literal env values, with a free port and no shutdown delay for the test. */
  const envOf = (c: Container, port: string) => ({
    ...Object.fromEntries((c.env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value])),
    ...store.env,
    [port]: '0',
    PGTEL_SHUTDOWN_DELAY_MS: '0',
  });
  const probePaths = (c: Container) =>
    [c.startupProbe, c.readinessProbe, c.livenessProbe].map((p) => p!.httpGet.path);

  it('has a non-loopback address to probe', () => {
    expect(podAddress, 'no non-loopback IPv4 interface on this machine').toBeDefined();
  });

  it('orders-api (examples/http-api) listens on the port its probes name, on every interface', async () => {
    const container = find('Deployment', 'orders-api').spec.template!.spec.containers[0]!;
    const probePort = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet.port);
    expect(Number(env(container, 'PORT'))).toBe(probePort?.containerPort);
    const app = await startExample(
      'examples/http-api/server.mjs',
      envOf(container, 'PORT'),
      /listening on http:\/\/(\S+):(\d+)/,
    );
    try {
      expect(app.match[1]).toBe('0.0.0.0');
      for (const path of probePaths(container))
        expect((await fetch(`http://${podAddress}:${app.match[2]}${path}`)).status, path).toBe(200);
    } finally {
      app.child.kill('SIGTERM');
    }
    expect(await app.exited).toBe(0);
  }, 180_000);

  it('pgtel serve listens on the port its probes name, on every interface', async () => {
    const container = find('Deployment', 'pgtel').spec.template!.spec.containers[0]!;
    const probePort = container.ports?.find((p) => p.name === container.readinessProbe?.httpGet.port);
    expect(Number(env(container, 'PGTEL_PORT'))).toBe(probePort?.containerPort);
    const serve = await spawnServe([], { ...envOf(container, 'PGTEL_PORT'), PGTEL_GRPC_PORT: '0' }, 150_000);
    try {
      const port = new URL(serve.url).port;
      // serve answers before its startup (migrations, first checks) has finished: wait for /startupz.
      for (const path of probePaths(container)) {
        const url = `http://${podAddress}:${port}${path}`;
        await eventually(async () => ((await fetch(url)).status === 200 ? true : undefined), url, 60_000);
      }
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited, serve.output()).toBe(0);
  }, 180_000);
});
