import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  disposeTestDatabase,
  openTestDatabase,
  testDatabaseUrl,
  uniqueSchema,
} from '../../helpers/testDatabase.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const schema = uniqueSchema('autoinst');

afterAll(async () => {
  if (!testDatabaseUrl) return;
  const db = await openTestDatabase({ schema, migrated: false });
  await disposeTestDatabase(db);
});

interface Row {
  span_id: string;
  parent_span_id: string | null;
  trace_id: string;
  kind: string;
  operation_name: string;
  attributes: Record<string, unknown>;
}

// The application's own pg query needs a PostgreSQL server; PGlite cannot serve a pg client.
describe.skipIf(!testDatabaseUrl)('auto-instrumentation', () => {
  it('stores a server span with its pg query as a child, and no span about pgtel’s own writes', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          `${root}test/e2e/tracing/scripts/instrumentedApp.mjs`,
          `${root}dist/src/index.js`,
          testDatabaseUrl!,
          schema,
        ],
        { cwd: root },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    const { body, stats, started } = JSON.parse(output) as {
      body: string;
      stats: { exported: number; dropped: number };
      started: string[];
    };
    expect(body).toBe('42');
    expect(stats.dropped).toBe(0);

    const db = await openTestDatabase({ schema, migrated: false });
    try {
      const { rows } = await db.query<Row>(
        `SELECT span_id, parent_span_id, trace_id, kind, operation_name, attributes
           FROM ${db.table('spans')} ORDER BY start_time`,
      );
      const server = rows.find((r) => r.kind === 'server');
      expect(server, JSON.stringify(rows)).toBeDefined();
      expect(server!.attributes['http.target'] ?? server!.attributes['url.path']).toBe('/answer');
      const query = rows.find((r) => r.parent_span_id === server!.span_id);
      expect(query).toMatchObject({ kind: 'client', trace_id: server!.trace_id });
      expect(JSON.stringify(query!.attributes)).toContain('SELECT 41 + 1 AS answer');
      // The fetch that made the request is the server span's parent (context crossed HTTP).
      const fetchSpan = rows.find((r) => r.span_id === server!.parent_span_id);
      expect(fetchSpan).toMatchObject({ kind: 'client', trace_id: server!.trace_id });
      // pgtel's COPY of spans never becomes a span itself, not even one that is started.
      expect(started).toHaveLength(3);
      expect(started.filter((s) => s.includes('COPY'))).toEqual([]);
      expect(rows.filter((r) => JSON.stringify(r.attributes).includes('COPY'))).toEqual([]);
      expect(rows.map((r) => r.operation_name)).toContain('ingested');
      expect(rows).toHaveLength(4);
      expect(stats.exported).toBe(3);
    } finally {
      await db.close();
    }
  }, 120_000);
});
