import { describe, expect, it } from 'vitest';
import { pruneCumulativeStates } from '../../../src/metrics/pruneCumulativeStates.js';
import { storeReceivedMetrics } from '../../../src/metrics/storeReceivedMetrics.js';
import type { OtlpMetric } from '../../../src/otlp/otlpModel.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase({ poolSize: 4 });
const START = Date.UTC(2026, 11, 1, 12, 0, 0);

/** A cumulative monotonic sum of one series, as OTLP ingest decodes it. */
function counterAt(name: string, secondsAfterStart: number, value: number): OtlpMetric {
  const time = new Date(START + secondsAfterStart * 1000);
  return {
    type: 'sum',
    isMonotonic: true,
    temporality: 'cumulative',
    name,
    unit: '',
    description: '',
    resource: {
      attributes: { 'service.name': 'api' },
      serviceName: 'api',
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    scope: { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    dataPoints: [
      {
        attributes: {},
        startTimeUnixNano: BigInt(START) * 1_000_000n,
        startTime: new Date(START),
        timeUnixNano: BigInt(time.getTime()) * 1_000_000n,
        time,
        flags: 0,
        noRecordedValue: false,
        value,
        exemplars: [],
      },
    ],
  };
}

async function total(name: string): Promise<number> {
  const { rows } = await ctx.db.query<{ total: number }>(
    `SELECT coalesce(sum(metric_value), 0) AS total FROM ${ctx.db.table('metrics')} WHERE metric_name = $1`,
    [name],
  );
  return rows[0]!.total;
}

describe('running totals of cumulative series', () => {
  it('two requests storing points of one new series at once count each increment once', async () => {
    const now = START + 3_600_000;
    for (let round = 0; round < 10; round++) {
      const name = `race_${round}_total`;
      await Promise.all([
        storeReceivedMetrics(ctx.db, [counterAt(name, 10, 10)], now),
        storeReceivedMetrics(ctx.db, [counterAt(name, 20, 15)], now),
      ]);
      // Whichever came first, the stored deltas add up to the last total: 10 + 5, or 15 then nothing.
      expect(await total(name)).toBe(15);
    }
  });

  it('stores nothing for a resent request and reports it as duplicates', async () => {
    const now = START + 3_600_000;
    const first = await storeReceivedMetrics(ctx.db, [counterAt('resent_total', 10, 4)], now);
    const again = await storeReceivedMetrics(ctx.db, [counterAt('resent_total', 10, 4)], now);
    expect([first.written, first.duplicates]).toEqual([1, 0]);
    expect([again.written, again.duplicates]).toEqual([0, 1]);
    expect(await total('resent_total')).toBe(4);
  });

  it('forgets series silent for longer than the retention', async () => {
    await storeReceivedMetrics(ctx.db, [counterAt('old_total', 10, 1)], START + 3_600_000);
    const count = async () =>
      (
        await ctx.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM ${ctx.db.table('metric_cumulative_state')} s
             JOIN ${ctx.db.table('metric_series')} m USING (series_id) WHERE m.metric_name = 'old_total'`,
        )
      ).rows[0]!.n;
    expect(await count()).toBe(1);
    expect(
      await pruneCumulativeStates(ctx.db, {
        retentionDays: 90,
        clock: new ManualClock(START + 89 * 86_400_000),
      }),
    ).toBe(0);
    expect(
      await pruneCumulativeStates(ctx.db, {
        retentionDays: 90,
        clock: new ManualClock(START + 91 * 86_400_000),
      }),
    ).toBeGreaterThan(0);
    expect(await count()).toBe(0);
  });
});
