import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { MetricWriter } from '../../../src/metrics/MetricWriter.js';
import { type MetricRow, rawRow } from '../../../src/metrics/metricRows.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { testSeries } from '../../helpers/series.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

describe('MetricWriter', () => {
  it('isolates rows the database refuses by splitting the batch, drops and counts only them', async () => {
    const clock = new ManualClock('2026-07-01T10:00:00Z');
    const writer = new MetricWriter({ db: ctx.db, clock, logger: createLogger('silent'), batchSize: 64 });
    const at = new Date(clock.now());
    const series = testSeries('poison_ms');
    const rows: MetricRow[] = Array.from({ length: 100 }, (_, i) => rawRow(series, 'histogram', i, at));
    // A row breaking the metric_type check stands for any row PostgreSQL refuses.
    rows[17]![1] = 'summary' as MetricRow[1];
    rows[80]![1] = 'summary' as MetricRow[1];
    writer.enqueue(rows, [series]);
    const report = await writer.write();
    expect(report.error).toBeUndefined();
    expect(writer.getStats()).toMatchObject({
      writtenRows: 98,
      poisonRows: 2,
      pendingRows: 0,
      droppedRows: 0,
    });
    const stored = await ctx.db.query<{ v: number }>(
      `SELECT metric_value AS v FROM ${ctx.db.table('metrics')} WHERE metric_name = 'poison_ms' ORDER BY 1`,
    );
    expect(stored.rows.map((r) => r.v)).toEqual([...Array(100).keys()].filter((i) => i !== 17 && i !== 80));
  });

  it('serializes concurrent writes so no row is written twice', async () => {
    const clock = new ManualClock('2026-07-02T10:00:00Z');
    const writer = new MetricWriter({ db: ctx.db, clock, logger: createLogger('silent') });
    const at = new Date(clock.now());
    const series = testSeries('serial_ms');
    writer.enqueue(
      Array.from({ length: 10 }, (_, i) => rawRow(series, 'histogram', i, at)),
      [series],
    );
    const reports = await Promise.all([writer.write(), writer.write(), writer.write()]);
    expect(reports.reduce((a, r) => a + r.written, 0)).toBe(10);
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.db.table('metrics')} WHERE metric_name = 'serial_ms'`,
    );
    expect(rows[0]!.n).toBe(10);
  });
});
