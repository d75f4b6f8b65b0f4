import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bin, json, otlpTrace, runPgtel } from './runPgtel.js';

// A running `pgtel serve` holds the embedded folder: every data command must reach it over HTTP.
const folder = mkdtempSync(join(tmpdir(), 'pgtel-cli-http-'));
const TOKEN = 'cli-secret-token';
const TRACE_ID = 'd22d22d22d22d22d22d22d22d22d2200';
let env: Record<string, string>;
let url: string;
let server: ChildProcess;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  env = {
    PGTEL_DATA_DIR: join(folder, 'data'),
    PGTEL_PORT: String(port),
    PGTEL_GRPC_PORT: 'off',
    PGTEL_HOST: '127.0.0.1',
    PGTEL_API_TOKEN: TOKEN,
    PGTEL_SHUTDOWN_DELAY_MS: '0',
    NO_COLOR: '1',
  };
  const base = { ...(process.env as Record<string, string>) };
  for (const key of Object.keys(base)) if (/^(PGTEL_|DATABASE_URL)/.test(key)) delete base[key];
  server = spawn(process.execPath, [bin, 'serve'], {
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      output += chunk;
      if (output.includes('pgtel serving on')) resolve();
    });
    server.stderr!.on('data', (chunk: Buffer) => {
      output += chunk;
    });
    server.once('exit', (code) => reject(new Error(`pgtel serve exited ${code}: ${output}`)));
  });
  const ingest = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: otlpTrace(TRACE_ID),
  });
  expect(ingest.status).toBe(200);
}, 120_000);

afterAll(async () => {
  if (server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  rmSync(folder, { recursive: true, force: true });
}, 240_000);

describe('pgtel commands while pgtel serve holds the embedded database', () => {
  it('finds the trace and draws its waterfall through the server', async () => {
    const list = json<{ traces: { traceId: string }[] }>(await runPgtel(['traces', '--json'], env));
    expect(list.traces.map((t) => t.traceId)).toContain(TRACE_ID);
    const trace = await runPgtel(['trace', TRACE_ID], env);
    expect(trace.code).toBe(0);
    expect(trace.stdout).toMatch(/^ {2}✗ charge card \[cli-shop\].*card declined$/m);
  }, 240_000);

  it('works the same with an explicit --url and with PGTEL_URL', async () => {
    const other = { ...env, PGTEL_DATA_DIR: join(folder, 'unused') };
    const viaFlag = json<{ traces: unknown[] }>(await runPgtel(['traces', '--url', url, '--json'], other));
    expect(viaFlag.traces).toHaveLength(1);
    const viaEnv = json<{ traces: unknown[] }>(
      await runPgtel(['traces', '--json'], { ...other, PGTEL_URL: url }),
    );
    expect(viaEnv.traces).toHaveLength(1);
  }, 240_000);

  it('sends the bearer token, and says how to fix a missing one without printing it', async () => {
    const { PGTEL_API_TOKEN: _, ...withoutToken } = env;
    const denied = await runPgtel(['workflows'], withoutToken);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('PGTEL_API_TOKEN');
    const wrong = await runPgtel(['alerts'], { ...env, PGTEL_API_TOKEN: 'not-the-token-either-0123' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).not.toContain('not-the-token-either');
    expect(wrong.stderr).not.toContain(TOKEN);
  }, 240_000);

  it('lists workflows, metrics, alerts and silences over HTTP', async () => {
    expect(json<{ workflows: unknown[] }>(await runPgtel(['workflows', '--json'], env)).workflows).toEqual(
      [],
    );
    expect(
      Array.isArray(json<{ metrics: unknown[] }>(await runPgtel(['metrics', '--json'], env)).metrics),
    ).toBe(true);
    const silence = json<{ silence: { id: number } }>(
      await runPgtel(['alerts', 'silence', 'alertname=X', '--by', 'ops', '--json'], env),
    );
    const listed = json<{ silences: { id: number }[] }>(
      await runPgtel(['alerts', 'silences', '--json'], env),
    );
    expect(listed.silences.map((s) => s.id)).toEqual([silence.silence.id]);
    const alerts = await runPgtel(['alerts'], env);
    expect(alerts.code).toBe(0);
  }, 240_000);

  it("evaluates PromQL through the server's Prometheus API, errors in Prometheus's words", async () => {
    const instant = json<{ data: unknown }>(
      await runPgtel(['promql', '2 * 21', '--time', '1700000000', '--json'], env),
    );
    expect(instant.data).toEqual({ resultType: 'scalar', result: [1700000000, '42'] });
    const range = await runPgtel(
      ['promql', 'vector(7)', '--start', '1700000000', '--end', '1700000060', '--step', '30s'],
      env,
    );
    expect(range.code).toBe(0);
    expect(range.stdout).toMatch(/\{\}\s+3\s+7\s+7\s+7/);
    const bad = await runPgtel(['promql', 'sum('], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('invalid parameter "query"');
    const badStep = await runPgtel(['promql', 'up', '--start', '1700000000', '--step', 'soon'], env);
    expect(badStep.stderr).toContain('invalid parameter "step"');
  }, 120_000);

  it('refuses commands that need the database itself, naming the holder', async () => {
    for (const args of [['query', 'SELECT 1'], ['prune'], ['demo']]) {
      const run = await runPgtel(args, env);
      expect(run.code, args[0]).toBe(1);
      expect(run.stderr, args[0]).toMatch(/held by the running pgtel serve \(process \d+\)/);
    }
  }, 240_000);

  it('doctor reports the lock holder and checks the server', async () => {
    const report = json<{ ok: boolean; findings: { check: string; status: string; message: string }[] }>(
      await runPgtel(['doctor', '--json'], env),
    );
    expect(report.findings.find((f) => f.check === 'lock')?.message).toMatch(/held by process \d+/);
    expect(report.findings.find((f) => f.check === 'server')).toMatchObject({ status: 'pass' });
    expect(report.ok).toBe(true);
  }, 240_000);

  it('fails clearly when the configured server is not running', async () => {
    const run = await runPgtel(['traces'], { ...env, PGTEL_URL: 'http://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /Cannot reach the pgtel server at http:\/\/127\.0\.0\.1:1 .*is pgtel serve running\?/,
    );
  }, 240_000);
});

describe('finding the running pgtel serve', () => {
  it('records its URL in the lock file, and commands use it whatever port they are configured with', async () => {
    expect(readFileSync(join(folder, 'data.lock'), 'utf8')).toBe(`${server.pid}\n${url}\n`);
    const run = await runPgtel(['traces', '--json'], { ...env, PGTEL_PORT: String(await freePort()) });
    expect(run.code).toBe(0);
    expect(json<{ traces: { traceId: string }[] }>(run).traces.map((t) => t.traceId)).toContain(TRACE_ID);
  }, 120_000);

  it('from a folder without a database, reaches the server on the configured port and creates nothing', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'pgtel-cli-elsewhere-'));
    try {
      const away = { ...env, PGTEL_DATA_DIR: join(elsewhere, '.pgtel', 'data') };
      const run = await runPgtel(['traces'], away);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(TRACE_ID);
      const status = await runPgtel(['status'], away);
      expect(status.code).toBe(0);
      expect(status.stdout).toMatch(/^Schema: {3}"observability" version \d+ of \d+$/m);
      expect(readdirSync(elsewhere)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  }, 120_000);

  it('status answers through the API while serve holds the embedded database, with real row counts', async () => {
    const run = await runPgtel(['status', '--json'], env);
    expect(run.code).toBe(0);
    const status = json<{ pending: string[]; tables: { name: string; estimatedRows: number }[] }>(run);
    expect(status.pending).toEqual([]);
    expect(status.tables.find((t) => t.name === 'spans')?.estimatedRows).toBeGreaterThanOrEqual(1);
    expect(status.tables.find((t) => t.name === 'schema_migrations')?.estimatedRows).toBeGreaterThan(1);
  }, 120_000);
});
