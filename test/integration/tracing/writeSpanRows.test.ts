import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { spanToRow } from '../../../src/tracing/spanToRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';
import { someSpans } from '../../unit/tracing/recordSpans.js';

const ctx = useTestDatabase();

function rows(count: number, service: string): SpanRow[] {
  return someSpans(count, service).map((span) => spanToRow(span));
}

async function stored(service: string): Promise<string[]> {
  const result = await ctx.db.query<{ span_id: string }>(
    `SELECT span_id FROM ${ctx.db.table('spans')} WHERE service_name = $1 ORDER BY span_id`,
    [service],
  );
  return result.rows.map((r) => r.span_id);
}

describe('writeSpanRows', () => {
  it('isolates poison rows and stores every other row of the batch', async () => {
    const batch = rows(40, 'poison');
    const bad = [3, 17, 39];
    batch[3] = { ...batch[3]!, kind: 'sideways' as SpanRow['kind'] };
    batch[17] = { ...batch[17]!, traceId: 'not-hex' };
    batch[39] = { ...batch[39]!, startTime: 'yesterday-ish' };
    const result = await writeSpanRows(ctx.db, batch);
    expect(result.written).toBe(37);
    expect(result.retryable).toEqual([]);
    expect(result.rejected.map((r) => r.row)).toEqual(bad.map((i) => batch[i]));
    expect(String(result.rejected[0]!.error)).toMatch(/check constraint/);
    const good = batch.filter((_, i) => !bad.includes(i)).map((r) => r.spanId);
    expect(await stored('poison')).toEqual(good.sort());
  });

  it('counts rows already stored as duplicates, not as refused', async () => {
    const batch = rows(5, 'dup');
    await writeSpanRows(ctx.db, batch.slice(0, 2));
    const result = await writeSpanRows(ctx.db, batch);
    expect(result).toMatchObject({ written: 3, duplicates: 2, rejected: [] });
    expect(await stored('dup')).toHaveLength(5);
  });

  it('stores text with NUL and lone surrogates as replacement characters', async () => {
    const [row] = rows(1, 'text');
    const result = await writeSpanRows(ctx.db, [
      {
        ...row!,
        operationName: 'a\u0000b\ud800',
        attributes: { 'k\u0000': 'v\udfff', 'tab\tkey': 'line\nbreak\\' },
      },
    ]);
    expect(result.written).toBe(1);
    const { rows: back } = await ctx.db.query<{ operation_name: string; attributes: unknown }>(
      `SELECT operation_name, attributes FROM ${ctx.db.table('spans')} WHERE service_name = 'text'`,
    );
    expect(back[0]).toEqual({
      operation_name: 'a\uFFFDb\uFFFD',
      attributes: { 'k\uFFFD': 'v\uFFFD', 'tab\tkey': 'line\nbreak\\' },
    });
  });

  it('stores a resent batch nothing twice, counting every row as a duplicate', async () => {
    const batch = rows(5_000, 'resent');
    expect(await writeSpanRows(ctx.db, batch)).toMatchObject({ written: 5_000, duplicates: 0, rejected: [] });
    expect(await writeSpanRows(ctx.db, batch)).toMatchObject({ written: 0, duplicates: 5_000, rejected: [] });
    // A row twice in one batch is stored once too.
    const twice = rows(2, 'resent');
    expect(await writeSpanRows(ctx.db, [...twice, twice[0]!])).toMatchObject({ written: 2, duplicates: 1 });
    expect(await stored('resent')).toHaveLength(5_002);
  });

  it('stores a batch sent twice at once exactly once (the second waits for the first, then skips)', async () => {
    const batch = rows(2_000, 'concurrent');
    const results = await Promise.all([
      writeSpanRows(ctx.db, batch),
      writeSpanRows(ctx.db, [...batch].reverse()),
    ]);
    expect(results.map((r) => r.written + r.duplicates)).toEqual([2_000, 2_000]);
    expect(results.map((r) => r.written).sort()).toEqual([0, 2_000]);
    expect(results.flatMap((r) => [...r.rejected, ...r.retryable])).toEqual([]);
    expect(await stored('concurrent')).toHaveLength(2_000);
  });

  it('counts duplicates and isolates a poison row in the same batch', async () => {
    const batch = rows(10, 'mixed');
    await writeSpanRows(ctx.db, batch.slice(0, 4));
    batch[7] = { ...batch[7]!, kind: 'sideways' as SpanRow['kind'] };
    const result = await writeSpanRows(ctx.db, batch);
    expect(result).toMatchObject({ written: 5, duplicates: 4, retryable: [] });
    expect(result.rejected.map((r) => r.row)).toEqual([batch[7]]);
    expect(await stored('mixed')).toHaveLength(9);
  });

  it('stores a span of the library with a 10 KB name cut and marked, where a btree would refuse it', async () => {
    const [row] = rows(1, 'long-name');
    const result = await writeSpanRows(ctx.db, [{ ...row!, operationName: 'ü'.repeat(5_120) }]);
    expect(result).toMatchObject({ written: 1, rejected: [] });
    const { rows: back } = await ctx.db.query<{
      operation_name: string;
      attributes: Record<string, unknown>;
    }>(`SELECT operation_name, attributes FROM ${ctx.db.table('spans')} WHERE service_name = 'long-name'`);
    expect(back[0]!.operation_name).toBe('ü'.repeat(512));
    expect(back[0]!.attributes['pgtel.truncated']).toEqual(['operation_name']);
  });

  it('keeps the (service, operation) index entry storable with incompressible names at their limits', async () => {
    // Random CJK characters (3 bytes of UTF-8 each): nothing for the index's compression to win back.
    const random = (n: number) =>
      String.fromCodePoint(...Array.from({ length: n }, () => 0x4e00 + Math.floor(Math.random() * 0x5000)));
    const [row] = rows(1, 'index-safe');
    const result = await writeSpanRows(ctx.db, [
      { ...row!, serviceName: random(5_000), operationName: random(5_000) },
    ]);
    expect(result).toMatchObject({ written: 1, rejected: [] });
    const { rows: back } = await ctx.db.query<{ service: number; operation: number }>(
      `SELECT octet_length(service_name) AS service, octet_length(operation_name) AS operation
         FROM ${ctx.db.table('spans')} WHERE attributes->'pgtel.truncated' @> '["service_name"]'`,
    );
    // The largest whole number of 3-byte characters under 256 and 1,024 bytes.
    expect(back).toEqual([{ service: 255, operation: 1_023 }]);
  });

  it("runs inside the caller's transaction and is rolled back with it", async () => {
    const batch = rows(3, 'caller');
    const outcome = await ctx.db
      .transaction(async (tx) => {
        expect(await writeSpanRows(tx, batch)).toMatchObject({ written: 3 });
        expect(await writeSpanRows(tx, batch)).toMatchObject({ written: 0, duplicates: 3 });
        throw new Error('caller gives up');
      })
      .catch((error: Error) => error.message);
    expect(outcome).toBe('caller gives up');
    expect(await stored('caller')).toEqual([]);
  });

  it.skipIf(!onRealServer)('stores nothing and returns every row to retry on a transient error', async () => {
    // A second pool whose statements give up on a lock after 100 ms (SQLSTATE 55P03, transient).
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('options', '-c lock_timeout=100');
    const impatient = await openDatabase({ databaseUrl: url.toString(), schema: ctx.db.schema });
    try {
      const batch = rows(20, 'transient');
      let release!: () => void;
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = ctx.db.transaction(async (tx) => {
        await tx.exec(`LOCK TABLE ${tx.table('spans')} IN SHARE MODE`);
        locked();
        await new Promise<void>((resolve) => {
          release = resolve;
        });
      });
      await isLocked;
      const failed = await writeSpanRows(impatient, batch);
      release();
      await holder;
      expect(failed).toMatchObject({ written: 0, duplicates: 0, rejected: [] });
      expect(failed.retryable).toEqual(batch);
      expect(failed.transientError).toMatchObject({ sqlState: '55P03' });
      expect(await stored('transient')).toEqual([]);
      expect(await writeSpanRows(impatient, failed.retryable)).toMatchObject({ written: 20, duplicates: 0 });
    } finally {
      await impatient.close();
    }
  });

  it('does nothing for an empty batch', async () => {
    expect(await writeSpanRows(ctx.db, [])).toEqual({
      written: 0,
      duplicates: 0,
      rejected: [],
      retryable: [],
    });
  });
});
