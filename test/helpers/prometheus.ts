import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './peers.js';

/** A real Prometheus process (the Debian binary) and its HTTP API. */
export interface RunningPrometheus {
  /** Base URL of its HTTP API, e.g. `http://127.0.0.1:9090`. */
  readonly url: string;
  /** What it logged so far (for failure messages). */
  output(): string;
  /** Stops it and removes its data folder. */
  stop(): Promise<void>;
}

/**
 * Starts Prometheus scraping `target` (host:port, or several) every second, with `args` added to its command line
 * and, with `remoteWriteUrl`, remote writing there on its default queue settings.
 */
export async function startPrometheus(
  target: string | string[],
  args: string[] = [],
  remoteWriteUrl?: string,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'pgtel-prom-'));
  const port = await freePort();
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: pgtel\n    static_configs:\n      - targets: [${[
      target,
    ]
      .flat()
      .map((t) => `'${t}'`)
      .join(', ')}]\n${remoteWriteUrl ? `remote_write:\n  - url: ${remoteWriteUrl}\n` : ''}`,
  );
  const child: ChildProcess = spawn('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...args,
  ]);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
