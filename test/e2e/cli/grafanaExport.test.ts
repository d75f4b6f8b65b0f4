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

describe('pgtel grafana export from the configured database', () => {
  const datasourceOf = (stdout: string) =>
    (
      parse(readFileSync((JSON.parse(stdout) as { files: string[] }).files[0]!, 'utf8')) as {
        datasources: { url: string; jsonData: Record<string, string> }[];
      }
    ).datasources[0]!;

  it('points the data source at DATABASE_URL with its TLS settings, a flag overriding one', async () => {
    const env = {
      DATABASE_URL: 'postgres://app:hunter2@db.internal:6432/obs?sslmode=verify-ca&sslrootcert=/certs/ca.pem',
    };
    const result = await pgtel(['grafana', 'export', '--out', out, '--json'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    expect(datasourceOf(result.stdout)).toMatchObject({
      url: 'db.internal:6432',
      jsonData: { database: 'obs', sslmode: 'verify-ca', sslRootCertFile: '/certs/ca.pem' },
    });
    const overridden = await pgtel(
      ['grafana', 'export', '--out', out, '--json', '--sslmode', 'require'],
      env,
    );
    expect(datasourceOf(overridden.stdout).jsonData.sslmode).toBe('require');
    expect(readFileSync(join(out, 'provisioning/datasources/pgtel.yaml'), 'utf8')).not.toContain('hunter2');
  });

  it('refuses an sslmode Grafana does not know, naming where it came from', async () => {
    const result = await pgtel(['grafana', 'export', '--out', out], {
      DATABASE_URL: 'postgres://db/x?sslmode=prefer',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/not "prefer" \(from DATABASE_URL\): pass --sslmode/);
  });

  it('warns that Grafana cannot reach the embedded database', async () => {
    const result = await pgtel(['grafana', 'export', '--out', out, '--json'], {
      DATABASE_URL: '',
      PGTEL_DATABASE_URL: '',
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^warning: no DATABASE_URL.*embedded database, which Grafana cannot reach/);
    expect(datasourceOf(result.stdout).url).toBe('localhost:5432');
  });
});
