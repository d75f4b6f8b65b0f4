// What linking alerts to traces costs on the real server. 50 series of one metric over an hour
// (100k rows, each with an exemplar) all fire: the exemplar lookup for every firing instance beside
// the rule's own value query, and a whole evaluation tick that records links (upsert into
// alert_links) beside the same tick over the same rows without exemplars. A heavy case on purpose:
// every row carries an exemplar and the window is an hour, so the lookup reads 100k exemplars (about
// 5 µs each: the jsonb of every row is parsed). Quiet evaluations run no lookup at all.

import type { RuleSource } from '../src/alerts/rules/AlertRule.js';
import { evaluateDueRules } from '../src/alerts/rules/evaluateDueRules.js';
import { exemplarLinksQuery } from '../src/alerts/rules/exemplarLinksQuery.js';
import { metricSourceQuery } from '../src/alerts/rules/metricSourceQuery.js';
import { deleteAlertRule, saveAlertRules } from '../src/alerts/rules/ruleStore.js';
import type { Database } from '../src/db/Database.js';
import { ManualClock } from '../src/testing/ManualClock.js';
import { dropBenchDatabase, openBenchDatabase } from './benchDatabase.js';
import type { BenchResult } from './harness.js';
import { compareRounds, interleavedRounds, timeMs } from './harness.js';

const HOSTS = 50;
const ROWS_PER_HOST = 2000;
const HOUR = 3_600_000;
const ROUNDS = Number(process.env.PGTEL_BENCH_ROUNDS ?? 5);

async function fill(db: Database, metric: string, exemplars: boolean, now: number): Promise<void> {
  await db.query(
    `INSERT INTO ${db.table('metrics')} (metric_name, metric_value, metric_type, recorded_at, labels, exemplars)
     SELECT $1, v, 'gauge', $2::timestamptz - (i * interval '1 second' * 3600 / ($3::int * $4::int)), jsonb_build_object('host', 'h' || (i % $3::int)),
            CASE WHEN $5::boolean THEN jsonb_build_array(jsonb_build_object('trace_id', md5(i::text), 'span_id', left(md5(i::text), 16),
                 'value', v, 'observed_at', $2::timestamptz)) END
       FROM generate_series(1, $3::int * $4::int) AS i, LATERAL (SELECT 500 + (i * 7919) % 1000 AS v) AS x`,
    [metric, new Date(now), HOSTS, ROWS_PER_HOST, exemplars],
  );
  await db.exec(`ANALYZE ${db.table('metrics')}`);
}

const source = (metric: string): Extract<RuleSource, { kind: 'aggregate' }> => ({
  kind: 'aggregate',
  metric,
  aggregate: 'max',
  windowMs: HOUR,
  groupBy: ['host'],
});

/** Times of evaluation ticks of one rule, one per round (every tick: all 50 instances firing). */
async function tickMs(db: Database, clock: ManualClock, metric: string): Promise<number[]> {
  await saveAlertRules(
    db,
    [
      {
        name: metric,
        source: source(metric),
        levels: [{ severity: 'warning', threshold: 1 }],
        intervalMs: 1000,
      },
    ],
    clock,
  );
  const tick = async () => {
    clock.advance(1000);
    await evaluateDueRules(db, { clock });
  };
  await tick(); // fires, inserts the alert rows
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) times.push(await timeMs(tick));
  await deleteAlertRule(db, metric);
  return times;
}

export default async function alertLinksBench(): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_alert_links');
  try {
    const clock = new ManualClock('2026-05-01T12:00:00Z');
    const now = clock.now() + 60_000;
    await fill(db, 'linked', true, now);
    await fill(db, 'plain', false, now);
    const name = (n: string) => db.table(n);
    const instances = Array.from({ length: HOSTS }, (_, i) => ({ host: `h${i}` }));
    const links = exemplarLinksQuery(source('linked'), instances, name, now);
    const value = metricSourceQuery(source('linked'), name, now);
    const queries = await interleavedRounds(ROUNDS, {
      lookup: () => timeMs(() => db.query(links.sql, links.params)),
      own: () => timeMs(() => db.query(value.sql, value.params)),
    });
    const withLinks = await tickMs(db, clock, 'linked');
    const without = await tickMs(db, clock, 'plain');
    return [
      compareRounds(
        'alert links: exemplar lookup, 50 firing series, 100k rows',
        'ms',
        queries.lookup,
        queries.own,
        "the rule's own value query",
        '<= 6',
      ),
      compareRounds(
        'alert links: evaluation tick recording links, 50 firing series',
        'ms',
        withLinks,
        without,
        'the same tick over rows without exemplars',
        '<= 5',
      ),
    ];
  } finally {
    await dropBenchDatabase(db);
  }
}
