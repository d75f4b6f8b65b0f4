import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const bin = fileURLToPath(new URL('../../../dist/src/cli/bin.js', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'pgtel-grafana-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function pgtel(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('pgtel grafana export', () => {
  it('writes the data source, the provider and a dashboard for the configured schema', async () => {
    const result = await pgtel(['grafana', 'export', '--out', out, '--host', 'db:5432', '--json'], {
      PGTEL_SCHEMA: 'tele"metry',
    });
    expect(result.code).toBe(0);
    const files = (JSON.parse(result.stdout) as { files: string[] }).files;
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'provisioning/datasources/pgtel.yaml',
      'provisioning/dashboards/pgtel.yaml',
      'provisioning/dashboards/pgtel/pgtel-overview.json',
    ]);
    const datasource = parse(readFileSync(files[0]!, 'utf8')) as {
      datasources: { url: string; secureJsonData: object }[];
    };
    expect(datasource.datasources[0]).toMatchObject({
      url: 'db:5432',
      secureJsonData: { password: '$PGTEL_GRAFANA_PASSWORD' },
    });
    const dashboard = JSON.parse(readFileSync(files[2]!, 'utf8')) as {
      panels: { targets: { rawSql?: string; expr?: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(3);
    const targets = dashboard.panels.flatMap((p) => p.targets);
    expect(targets.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    expect(targets.filter((t) => t.expr !== undefined)).toHaveLength(1);
    const queries = targets.flatMap((t) => (t.rawSql === undefined ? [] : [t.rawSql]));
    expect(queries.length).toBe(targets.length - 1);
    expect(queries.filter((sql) => !sql.includes('"tele""metry".'))).toEqual([]);
  });

  it('exits 2 without the export subcommand', async () => {
    const result = await pgtel(['grafana']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pgtel grafana export');
  });
});
