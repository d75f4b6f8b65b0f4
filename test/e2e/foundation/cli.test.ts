import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../../dist/src/cli/bin.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'pgtel-cli-'));

function pgtel(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = {
    ...process.env,
    DATABASE_URL: '',
    PGTEL_DATABASE_URL: '',
    PGTEL_DATA_DIR: join(folder, 'data'),
    NO_COLOR: '1',
  };
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...base, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('pgtel CLI on the embedded database', () => {
  it('lists pending migrations, migrates, and reports status', async () => {
    const dry = await pgtel(['migrate', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would apply \d+ migration\(s\):/);
    expect(dry.stdout).toContain('CREATE TABLE workflow_state');

    const applied = await pgtel(['migrate']);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(
      /Schema "observability" at version \d+ on embedded PGlite in .*data \(\d+ applied now\)/,
    );
    expect(applied.stderr).toMatch(/applying 0001_base_tables/);

    const status = await pgtel(['status', '--json']);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout) as {
      pending: string[];
      tables: { name: string; partitions: number }[];
    };
    expect(parsed.pending).toEqual([]);
    expect(parsed.tables.find((t) => t.name === 'metrics')?.partitions).toBeGreaterThanOrEqual(4);
  }, 180_000);

  it('answers a wrong connection string with one clear line and no password', async () => {
    const result = await pgtel(['status'], { DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/x' });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^pgtel status: Cannot connect to PostgreSQL at postgres:\/\/app:\*\*\*@127\.0\.0\.1:1\/x/,
    );
    expect(result.stderr).not.toContain('hunter2');
  });

  it('rejects invalid configuration naming the variable', async () => {
    const result = await pgtel(['status'], { PGTEL_POOL_SIZE: '-3' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PGTEL_POOL_SIZE must be a whole number from 1 to 1000');
  });

  it('exits 2 on unknown commands and options', async () => {
    expect((await pgtel(['frobnicate'])).code).toBe(2);
    const bad = await pgtel(['migrate', '--nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage: pgtel migrate');
  });
});
