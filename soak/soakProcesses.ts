import { type ChildProcess, fork, spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));

/** A free loopback port (asked of the kernel, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `pgtel serve` child on a fixed loopback port, restartable, keeping all its output. */
export class ServeInstance {
  child: ChildProcess | undefined;
  output = '';
  maxRssBytes = 0;
  starts = 0;

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Spawns `node dist/src/cli/bin.js serve` and resolves once it printed its URL. */
  start(timeoutMs = 60_000): Promise<void> {
    this.starts++;
    const child = spawn(process.execPath, [bin, 'serve'], {
      env: {
        ...process.env,
        ...this.env,
        PGTEL_PORT: String(this.port),
        PGTEL_HOST: '127.0.0.1',
        // Several instances run at once: the default OTLP/gRPC port 4317 would collide.
        PGTEL_GRPC_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not start`)), timeoutMs);
      const onData = (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.output.includes(`pgtel serving on ${this.url}`)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        this.output += `\n[${this.name} exited: ${code ?? signal}]\n`;
        reject(new Error(`${this.name} exited with ${code ?? signal}`));
      });
    });
  }

  /** Kills with `signal` and waits for the exit. */
  async stop(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Samples the resident memory of the running child (Linux /proc). */
  async sampleMemory(): Promise<void> {
    const pid = this.child?.pid;
    if (!pid) return;
    const { readFile } = await import('node:fs/promises');
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    this.maxRssBytes = Math.max(this.maxRssBytes, kb * 1024);
  }
}

/** A forked soak child (app worker, load generator) that reports once told to stop. */
export class ReportingChild<R> {
  readonly child: ChildProcess;
  readonly report: Promise<R>;
  output = '';

  constructor(script: string, env: Record<string, string>) {
    this.child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr?.on('data', (c: Buffer) => (this.output += c.toString()));
    this.report = new Promise((resolve, reject) => {
      this.child.on('message', (m: { type?: string; report?: R }) => {
        if (m.type === 'report') resolve(m.report as R);
      });
      this.child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${this.output}`)));
    });
  }

  stop(): void {
    this.child.send('stop');
  }
}

/** A loopback webhook receiver counting deliveries per Idempotency-Key. */
export class WebhookReceiver {
  readonly deliveries = new Map<string, number>();
  private readonly server: Server = createServer((request, response) => {
    const key = String(request.headers['idempotency-key'] ?? '(none)');
    request.resume();
    request.on('end', () => {
      this.deliveries.set(key, (this.deliveries.get(key) ?? 0) + 1);
      response.writeHead(200).end('ok');
    });
  });
  port = 0;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return `http://127.0.0.1:${this.port}/alerts`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
