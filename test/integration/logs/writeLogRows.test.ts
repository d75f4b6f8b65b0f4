import { describe, expect, it } from 'vitest';
import type { LogRow } from '../../../src/logs/LogRow.js';
import { otlpLogRow } from '../../../src/logs/otlpLogRows.js';
import { writeLogRows } from '../../../src/logs/writeLogRows.js';
import type { OtlpLogRecord } from '../../../src/otlp/otlpModel.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const T0 = BigInt(Date.UTC(2026, 0, 2)) * 1_000_000n;

function rows(service: string, count: number, first = 0): LogRow[] {
  const resource = { attributes: {}, serviceName: service, droppedAttributesCount: 0, schemaUrl: '' };
  const scope = { name: 'write-test', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
  return Array.from({ length: count }, (_, i): LogRow => {
    const record: OtlpLogRecord = {
      resource,
      scope,
      timeUnixNano: T0 + BigInt(first + i) * 1000n,
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      severityText: 'INFO',
      body: `line ${first + i}`,
      attributes: {},
      droppedAttributesCount: 0,
      flags: 0,
      traceId: null,
      spanId: null,
    };
    return otlpLogRow(record);
  });
}

async function stored(service: string): Promise<string[]> {
  const { db } = ctx;
  const result = await db.query<{ body: string }>(
    `SELECT body FROM ${db.table('logs')} WHERE service_name = $1 ORDER BY time`,
    [service],
  );
  return result.rows.map((r) => r.body);
}

describe('writeLogRows', () => {
  it('stores a new batch with one COPY, and a resent one (partly new) exactly once', async () => {
    expect(await writeLogRows(ctx.db, rows('w-resend', 3))).toMatchObject({ written: 3, duplicates: 0 });
    const resent = await writeLogRows(ctx.db, rows('w-resend', 5));
    expect(resent).toMatchObject({ written: 2, duplicates: 3, rejected: [], retryable: [] });
    expect(await stored('w-resend')).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
  });

  it('stores a record repeated within one batch once', async () => {
    const batch = rows('w-repeat', 2);
    const result = await writeLogRows(ctx.db, [...batch, batch[0]!]);
    expect(result).toMatchObject({ written: 2, duplicates: 1 });
    expect(await stored('w-repeat')).toEqual(['line 0', 'line 1']);
  });

  it('inside a transaction, leaves it usable after falling back for a resent batch', async () => {
    await writeLogRows(ctx.db, rows('w-tx', 2));
    const counts = await ctx.db.transaction(async (tx) => {
      const result = await writeLogRows(tx, rows('w-tx', 3));
      const after = await tx.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${tx.table('logs')} WHERE service_name = 'w-tx'`,
      );
      return { ...result, n: after.rows[0]!.n };
    });
    expect(counts).toMatchObject({ written: 1, duplicates: 2, n: 3 });
  });

  it('isolates a row the database refuses and stores every other row of its batch', async () => {
    const batch = rows('w-poison', 3);
    // A trace id the table's check refuses.
    batch[1] = { ...batch[1]!, traceId: 'not-hex' };
    const result = await writeLogRows(ctx.db, batch);
    expect(result.written).toBe(2);
    expect(result.rejected.map((r) => r.row.body)).toEqual(['line 1']);
    expect(await stored('w-poison')).toEqual(['line 0', 'line 2']);
  });
});
