import { describe, expect, it } from 'vitest';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { spanToRow } from '../../../src/tracing/spanToRow.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
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

  it('does nothing for an empty batch', async () => {
    expect(await writeSpanRows(ctx.db, [])).toEqual({
      written: 0,
      duplicates: 0,
      rejected: [],
      retryable: [],
    });
  });
});
