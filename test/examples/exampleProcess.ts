import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/Database.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { testDatabaseUrl, uniqueSchema } from '../helpers/testDatabase.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Where an example child process stores its telemetry: a fresh schema on the real server, or a fresh
 * PGlite data folder (read by the test once the child has exited, since PGlite allows one opener).
 */
export interface ExampleStore {
  /** Environment that points a child process (an example or `pgtel serve`) at this store. */
  env: Record<string, string | undefined>;
  /** Opens the store from the test. */
  open(): Promise<Database>;
  /** Drops the schema or removes the folder. */
  dispose(): Promise<void>;
}

export function createExampleStore(): ExampleStore {
  const schema = uniqueSchema('ex');
  if (testDatabaseUrl) {
    return {
      env: { PGTEL_DATABASE_URL: testDatabaseUrl, DATABASE_URL: undefined, PGTEL_SCHEMA: schema },
      open: () => openDatabase({ databaseUrl: testDatabaseUrl, schema, poolSize: 2 }),
      async dispose() {
        const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema, poolSize: 1 });
        try {
          await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        } finally {
          await db.close();
        }
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'pgtel-example-'));
  return {
    env: {
      PGTEL_DATABASE_URL: undefined,
      DATABASE_URL: undefined,
      PGTEL_DATA_DIR: dataDir,
      PGTEL_SCHEMA: schema,
    },
    open: () => openDatabase({ dataDir, schema }),
    async dispose() {
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ExampleProcess {
  child: ChildProcess;
  /** The first match of `ready` in the output. */
  match: RegExpExecArray;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Runs `node <root>/<script>` from the repository root (so `pgtel` resolves to the built package). */
export function startExample(
  script: string,
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 150_000, // an embedded database starts slowly on a busy machine
): Promise<ExampleProcess> {
  const child = spawn(process.execPath, [join(root, script)], {
    cwd: root,
    env: { ...process.env, PGTEL_LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not print ${ready}:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before printing ${ready}:\n${output}`));
    });
  });
}

/** Runs an example (with `args`) to its end; resolves with its exit code and output. */
export async function runExample(
  script: string,
  env: Record<string, string | undefined>,
  args: readonly string[] = [],
  timeoutMs = 180_000,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, PGTEL_LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, output };
}
