// How long a read command of the CLI takes from process start to exit (`pgtel traces`), measured as
// a user runs it: once against a running `pgtel serve` (through its API, found with --url), once on
// the embedded database with no server running (PGlite opened by the command itself). Each is set
// against its budget (1 s through the API, 2 s embedded) in interleaved rounds; the folder is a fresh
// one on embedded PGlite, migrated by the server's own start.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchResult, compareRounds, interleavedRounds } from './harness.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'bin.js');
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 7);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Milliseconds from spawning `pgtel args` in `cwd` to its exit (which must be 0). */
function timeCommand(args: string[], cwd: string): Promise<number> {
  const env = { ...process.env, DATABASE_URL: '', PGTEL_DATABASE_URL: '' };
  const started = performance.now();
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [BIN, ...args], { cwd, env }, (error, _stdout, stderr) =>
      error ? reject(new Error(`pgtel ${args.join(' ')}: ${stderr}`)) : resolve(performance.now() - started),
    ),
  );
}

async function startServe(cwd: string, port: number): Promise<ChildProcess> {
  const env = { ...process.env, DATABASE_URL: '', PGTEL_DATABASE_URL: '', PGTEL_PORT: String(port) };
  const child = spawn(process.execPath, [BIN, 'serve', '--grpc-port', 'off'], { cwd, env, stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('pgtel serve did not become ready in 60 s');
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export default async function (): Promise<BenchResult[]> {
  const folder = mkdtempSync(join(tmpdir(), 'pgtel-cli-startup-'));
  try {
    const port = await freePort();
    const serve = await startServe(folder, port);
    const api = await interleavedRounds(ROUNDS, {
      ours: () => timeCommand(['traces', '--url', `http://127.0.0.1:${port}`], folder),
      budget: async () => 1000,
    });
    await stop(serve);
    const embedded = await interleavedRounds(ROUNDS, {
      ours: () => timeCommand(['traces'], folder),
      budget: async () => 2000,
    });
    return [
      compareRounds(
        'CLI start to exit: pgtel traces through the API',
        'ms',
        api.ours,
        api.budget,
        'budget of 1 s',
        '<= 1',
      ),
      compareRounds(
        'CLI start to exit: pgtel traces on the embedded database',
        'ms',
        embedded.ours,
        embedded.budget,
        'budget of 2 s',
        '<= 1',
      ),
    ];
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
