import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/runCli.js';

export const bin = fileURLToPath(new URL('../../../dist/src/cli/bin.js', import.meta.url));

export interface PgtelRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The current environment without any pgtel setting, so that only `env` configures a run. */
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = { ...(process.env as Record<string, string>) };
  for (const key of Object.keys(base)) if (/^(PGTEL_|DATABASE_URL|NO_COLOR)/.test(key)) delete base[key];
  return { ...base, ...env };
}

/**
 * Runs `node dist/src/cli/bin.js <args>` with `env` over a clean pgtel environment (no TTY). Spawning
 * costs a process start and, on PGlite, opening the embedded database: use it where the process
 * itself is the subject (exit codes, terminal detection, what reaches stdout/stderr).
 */
export function runPgtel(args: readonly string[], env: Record<string, string>): Promise<PgtelRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { env: cleanEnv(env), timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/**
 * Runs the same command in this process through `runCli`, with the same clean environment, output
 * captured and no TTY: what bin.js does, without the process start.
 */
export async function runPgtelInProcess(
  args: readonly string[],
  env: Record<string, string>,
): Promise<PgtelRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
    env: cleanEnv(env),
    isTTY: false,
  });
  return { code, stdout, stderr };
}

/** Parses the one JSON document a `--json` run prints. */
export function json<T = Record<string, unknown>>(run: PgtelRun): T {
  if (run.code !== 0 && run.code !== 3) throw new Error(`pgtel exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** An OTLP/JSON request with one trace: a root span and a failing child, starting `ago` ms ago. */
export function otlpTrace(traceId: string, ago = 60_000): string {
  const start = BigInt(Date.now() - ago) * 1_000_000n;
  const ms = 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cli-shop' } }] },
        scopeSpans: [
          {
            scope: { name: 'cli-test' },
            spans: [
              {
                traceId,
                spanId: 'a000000000000001',
                name: 'GET /orders',
                kind: 2,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 100n * ms),
                status: { code: 1 },
              },
              {
                traceId,
                spanId: 'a000000000000002',
                parentSpanId: 'a000000000000001',
                name: 'charge card',
                kind: 1,
                startTimeUnixNano: String(start + 50n * ms),
                endTimeUnixNano: String(start + 90n * ms),
                status: { code: 2, message: 'card declined' },
              },
            ],
          },
        ],
      },
    ],
  });
}
