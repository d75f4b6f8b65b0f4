// The real Prometheus as a benchmark anchor: its TSDB filled by its own backfill tool from an
// OpenMetrics file, serving its HTTP API and its remote-write receiver.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PrometheusPeer {
  /** Base URL of its HTTP API. */
  readonly url: string;
  /** Milliseconds since the process was started. */
  uptimeMs(): number;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Writes `openMetrics` (the text of an OpenMetrics exposition with timestamps, ending in `# EOF`) into
 * TSDB blocks with `promtool tsdb create-blocks-from openmetrics`, then starts Prometheus on them with
 * its defaults, its remote-write receiver on and no scrape target, and waits until it is ready.
 */
export async function startBackfilledPrometheus(openMetrics: string): Promise<PrometheusPeer> {
  const dir = mkdtempSync(join(tmpdir(), 'pgtel-bench-prom-'));
  const data = join(dir, 'data');
  writeFileSync(join(dir, 'input.om'), openMetrics);
  await run('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '-q', join(dir, 'input.om'), data], {
    maxBuffer: 1 << 24,
  });
  rmSync(join(dir, 'input.om'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global: {}\n');
  const port = await freePort();
  const startedAt = performance.now();
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // Readiness is only observable by asking for it.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || attempt > 600) {
      await stop();
      throw new Error(`Prometheus did not become ready:\n${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, uptimeMs: () => performance.now() - startedAt, stop };
}
