import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from './eventually.js';
import { freePort, hasBinary } from './peers.js';

/** The Debian package's Alertmanager binary. */
export const ALERTMANAGER_BINARY = 'prometheus-alertmanager';
export const alertmanagerInstalled = hasBinary(ALERTMANAGER_BINARY);

/** An alert as Alertmanager's `GET /api/v2/alerts` lists it. */
export interface AlertmanagerApiAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
  status: { state: string };
}

/** A real Alertmanager on a free loopback port, with its own storage folder. */
export interface AlertmanagerProcess {
  url: string;
  /** Its active alerts (resolved and expired ones are not listed). */
  alerts(): Promise<AlertmanagerApiAlert[]>;
  /** Stops and starts it again on the same port, with fresh storage: it forgets every alert. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface AlertmanagerSetup {
  /** Webhook receiver URL of its only route. Default: none (a receiver without notifications). */
  webhookUrl?: string;
  /** Name of the receiver. Default: `hook`. */
  receiver?: string;
  /** `--web.external-url`. Default: its own URL. */
  externalUrl?: string;
}

/**
 * Starts Alertmanager with one route grouping by alertname, notifying at once (group_wait 0s,
 * group_interval 1s) and on resolve; clustering off. Resolves when it answers `/-/ready`.
 */
export async function startAlertmanager(setup: AlertmanagerSetup = {}): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'pgtel-am-'));
  const receiver = setup.receiver ?? 'hook';
  const hook = setup.webhookUrl
    ? `\n    webhook_configs:\n      - url: ${setup.webhookUrl}\n        send_resolved: true`
    : '';
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:
  receiver: ${receiver}
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: ${receiver}${hook}
`,
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = '';
  let generation = 0;
  const start = async () => {
    generation++;
    output = '';
    child = spawn(
      ALERTMANAGER_BINARY,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, `data-${generation}`)}`,
        `--web.listen-address=127.0.0.1:${port}`,
        `--web.external-url=${setup.externalUrl ?? url}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    await eventually(
      async () => ((await fetch(`${url}/-/ready`).catch(() => undefined))?.ok ? true : undefined),
      'Alertmanager to start',
    ).catch((error: Error) => {
      throw new Error(`${error.message}; its output: ${output}`);
    });
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    url,
    alerts: async () => (await (await fetch(`${url}/api/v2/alerts`)).json()) as AlertmanagerApiAlert[],
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
