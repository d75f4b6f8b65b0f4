import { beforeAll, describe, expect, it } from 'vitest';
import { instantQuery, rangeQuery } from '../../../src/promql/engine.js';
import { PgSampleSource } from '../../../src/promql/PgSampleSource.js';
import { QueryLimitError } from '../../../src/promql/PromQLError.js';
import { insertLogRows, type LogRowInput } from '../../helpers/insertLogRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const NOW = Date.UTC(2026, 2, 10, 12, 0, 0);

/** `count` records of one service and severity number, one every `everyMs` back from NOW. */
function records(service: string, severityNumber: number, count: number, everyMs: number): LogRowInput[] {
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(NOW - i * everyMs),
    body: `${service} record ${i}`,
    service,
    severityNumber,
  }));
}

beforeAll(async () => {
  await insertLogRows(ctx.db, [
    ...records('checkout', 17, 30, 10_000), // 30 errors in the last 5 minutes
    ...records('checkout', 9, 60, 5_000), // 60 infos
    ...records('search', 13, 10, 30_000), // 10 warnings
    ...records('', 9, 3, 60_000), // records without a service
    { at: new Date(NOW - 3_600_000), body: 'an hour ago', service: 'search', severityNumber: 21 },
  ]);
});

async function vector(query: string, at = NOW) {
  const result = await instantQuery(new PgSampleSource(ctx.db), query, at);
  if (result.resultType !== 'vector') throw new Error(result.resultType);
  return Object.fromEntries(
    result.result.map((s) => [JSON.stringify(s.metric), Math.round(s.value[1] * 1000) / 1000]),
  );
}

describe('pgtel_log_records_total: log record counts as a PromQL counter', () => {
  it('rate and increase by service and severity over the logs table', async () => {
    expect(await vector('sum by (service_name) (rate(pgtel_log_records_total[5m]))')).toEqual({
      '{"service_name":"checkout"}': 0.3,
      '{"service_name":"search"}': 0.033,
      '{}': 0.01,
    });
    expect(await vector('increase(pgtel_log_records_total{severity="error"}[5m])')).toEqual({
      '{"service_name":"checkout","severity":"error"}': 30,
    });
    // Matchers on the labels, regular expressions included, and the fatal record an hour back.
    expect(
      await vector('sum(increase(pgtel_log_records_total{service_name=~"check.*", severity!="error"}[5m]))'),
    ).toEqual({ '{}': 60 });
    expect(
      await vector('increase(pgtel_log_records_total{severity="fatal"}[10m])', NOW - 3_600_000 + 60_000),
    ).toEqual({ '{"service_name":"search","severity":"fatal"}': 1 });
  });

  it('a range query graphs the rate over time (records counted in 15 s steps); the series API lists the series', async () => {
    const result = await rangeQuery(
      new PgSampleSource(ctx.db),
      'sum by (severity) (rate(pgtel_log_records_total{service_name="checkout"}[1m]))',
      NOW - 120_000,
      NOW,
      60_000,
    );
    expect(result.resultType).toBe('matrix');
    if (result.resultType !== 'matrix') return;
    const bySeverity = Object.fromEntries(
      result.result.map((s) => [s.metric.severity, s.values.map(([, v]) => Math.round(v * 10) / 10)]),
    );
    expect(bySeverity).toEqual({ error: [0.1, 0.1, 0.1], info: [0.2, 0.2, 0.2] });
    const series = await new PgSampleSource(ctx.db).matchingSeries(
      [{ name: '__name__', type: '=', value: 'pgtel_log_records_total' }],
      NOW - 300_000,
      NOW,
    );
    expect(series.map((s) => JSON.stringify(s)).sort()).toEqual([
      '{"__name__":"pgtel_log_records_total","service_name":"checkout","severity":"error"}',
      '{"__name__":"pgtel_log_records_total","service_name":"checkout","severity":"info"}',
      '{"__name__":"pgtel_log_records_total","service_name":"search","severity":"warn"}',
      '{"__name__":"pgtel_log_records_total","severity":"info"}',
    ]);
  });

  it('other metric names never read the logs; the sample limit holds', async () => {
    expect(await vector('count(pgtel_log_records_total_other)')).toEqual({});
    await expect(
      instantQuery(new PgSampleSource(ctx.db), 'rate(pgtel_log_records_total[1h])', NOW, { maxSamples: 100 }),
    ).rejects.toThrow(QueryLimitError);
  });
});
