// pgtel serve beside the real Prometheus (Debian's 2.42, default settings) on the same data, same run,
// interleaved rounds (see bench/README.md for why each comparison is the fair one):
// 1. remote-write ingest, samples/s: the same snappy WriteRequests (2,000 series in 4 shards of 500)
//    POSTed to pgtel's /api/v1/write and to Prometheus's own remote-write receiver, which appends to
//    its TSDB head exactly as a scrape does (target >= 0.5);
// 2. query_range of sum by (x)(rate(m[5m])) over 1,000 counter series x 6 h at 15 s steps;
// 3. instant histogram_quantile(0.9, sum by (le)(rate(h_bucket[5m]))) over 100 bucket series;
//    both as pgtel's time over Prometheus's answering the same query over HTTP (target <= 3). The data
//    are loaded into Prometheus by its backfill tool (promtool) and into pgtel by remote write, and the
//    answers are checked equal before anything is timed.
import type { SeriesInput } from '../test/helpers/remoteWrite.js';
import { postRemoteWrite, remoteWriteBody } from '../test/helpers/remoteWrite.js';
import { dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compareRounds, interleavedRounds } from './harness.js';
import { startBackfilledPrometheus } from './prometheusPeer.js';

const STEP_MS = 15_000;
const RANGE_MS = 6 * 3_600_000;
const LOOKBACK_MS = 5 * 60_000;
const COUNTER_SERIES = 1_000;
const GROUPS = 10;
const PODS = 10;
const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];
const INGEST_SERIES = 2_000;
const INGEST_SCRAPES = 25;
const INGEST_CONCURRENCY = 4;
const ROUNDS = 5;
/** Both engines get two minutes per query (Prometheus's default is as long). */
const QUERY_TIMEOUT_MS = 120_000;

/**
 * Counters start high: near a zero start, Prometheus 2.42 extrapolates `rate()` differently from the
 * later Prometheus that pgtel follows, and the answers must be equal to be compared.
 */
const START = 1_000_000;

type Labels = [string, string][];
interface BenchSeries {
  labels: Labels;
  /** Value at step k (monotonic: these are counters). */
  value: (k: number) => number;
}

/** 1,000 counters in 10 groups of `x`, and 100 histogram buckets (10 pods x 10 bounds). */
function benchSeries(): BenchSeries[] {
  const series: BenchSeries[] = [];
  for (let s = 0; s < COUNTER_SERIES; s++) {
    series.push({
      labels: [
        ['__name__', 'bench_requests_total'],
        ['instance', `i${s}`],
        ['x', `x${s % GROUPS}`],
      ],
      value: (k) => START + k * ((s % 7) + 5) + ((k * s) % 5),
    });
  }
  for (let pod = 0; pod < PODS; pod++) {
    BOUNDS.forEach((le, j) => {
      series.push({
        labels: [
          ['__name__', 'bench_latency_seconds_bucket'],
          ['le', le],
          ['pod', `p${pod}`],
        ],
        value: (k) => (START + k * (pod + 1)) * (j + 1),
      });
    });
  }
  return series;
}

/** The series as an OpenMetrics exposition with a timestamp on every sample, for promtool. */
function openMetricsText(series: readonly BenchSeries[], firstMs: number, steps: number): string {
  const lines: string[] = [];
  for (const s of series) {
    const name = s.labels[0]![1];
    const labels = s.labels
      .slice(1)
      .map(([n, v]) => `${n}="${v}"`)
      .join(',');
    for (let k = 0; k < steps; k++)
      lines.push(`${name}{${labels}} ${s.value(k)} ${(firstMs + k * STEP_MS) / 1000}`);
  }
  lines.push('# EOF', '');
  return lines.join('\n');
}

/** The same samples as remote write bodies of `perBody` series each. */
function remoteWriteBodies(series: readonly BenchSeries[], firstMs: number, steps: number, perBody: number) {
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < series.length; i += perBody) {
    const chunk: SeriesInput[] = series.slice(i, i + perBody).map((s) => ({
      labels: s.labels,
      samples: Array.from({ length: steps }, (_, k) => ({
        value: s.value(k),
        timestampMs: firstMs + k * STEP_MS,
      })),
    }));
    bodies.push(remoteWriteBody(chunk));
  }
  return bodies;
}

/**
 * POSTs the bodies, `concurrency` at a time, as Prometheus's remote-write queue does: a 429 or 5xx is
 * retried after its Retry-After, anything else refused fails the run.
 */
async function postAll(baseUrl: string, bodies: readonly Uint8Array[], concurrency: number): Promise<void> {
  let next = 0;
  const send = async (body: Uint8Array): Promise<void> => {
    const response = await postRemoteWrite(baseUrl, body);
    const answer = await response.text();
    if (response.ok) return;
    if (response.status !== 429 && response.status < 500) {
      throw new Error(`${baseUrl} refused a remote write: ${response.status} ${answer}`);
    }
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    process.stderr.write(`retrying a remote write after ${response.status} ${answer.trim()}\n`);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return send(body);
  };
  const worker = async () => {
    while (next < bodies.length) await send(bodies[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/**
 * The ingest load, sharded as Prometheus's remote-write queue shards it: each series always in the
 * same shard (so its samples arrive in order), each shard sending one scrape of its series per body.
 * Returns the bodies of each shard in scrape order.
 */
function shardedScrapeBodies(firstMs: number, scrapes: number): Uint8Array[][] {
  return Array.from({ length: INGEST_CONCURRENCY }, (_, shard) =>
    Array.from({ length: scrapes }, (_, k) =>
      remoteWriteBody(
        Array.from({ length: INGEST_SERIES / INGEST_CONCURRENCY }, (_, i) => {
          const s = i * INGEST_CONCURRENCY + shard;
          return {
            labels: [
              ['__name__', 'bench_scraped_total'],
              ['instance', `target-${s % 50}`],
              ['series', `s${s}`],
            ] as Labels,
            samples: [{ value: k + s, timestampMs: firstMs + k * 1_000 }],
          };
        }),
      ),
    ),
  );
}

/** Sends each shard's bodies in order, the shards concurrently. */
function sendShards(baseUrl: string, shards: readonly Uint8Array[][]): Promise<unknown> {
  return Promise.all(shards.map((bodies) => postAll(baseUrl, bodies, 1)));
}

interface PromResult {
  metric: Record<string, string>;
  value?: [number, string];
  values?: [number, string][];
}

async function queryApi(
  baseUrl: string,
  path: string,
  params: Record<string, string>,
): Promise<PromResult[]> {
  const response = await fetch(`${baseUrl}/api/v1/${path}?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { status: string; data?: { result: PromResult[] }; error?: string };
  if (body.status !== 'success') throw new Error(`${baseUrl} ${path} failed: ${body.error}`);
  return body.data!.result;
}

/** Where two answers differ (series or values to 1e-9 relative), or undefined when they agree. */
function answerDifference(ours: PromResult[], theirs: PromResult[]): string | undefined {
  const key = (r: PromResult) => JSON.stringify(Object.entries(r.metric).sort());
  const points = (r: PromResult) => (r.values ?? (r.value ? [r.value] : [])).map(([t, v]) => [t, Number(v)]);
  const byKey = new Map(theirs.map((r) => [key(r), points(r)]));
  const differ = (a: number, b: number) => Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (ours.length !== theirs.length) return `${ours.length} series against ${theirs.length}`;
  for (const r of ours) {
    const other = byKey.get(key(r));
    if (!other) return `series ${key(r)} only in pgtel's answer`;
    const mine = points(r);
    if (other.length !== mine.length) return `${key(r)}: ${mine.length} points against ${other.length}`;
    const at = mine.findIndex(([t, v], i) => t !== other[i]![0] || differ(v!, other[i]![1]!));
    if (at >= 0) return `${key(r)} at point ${at}: ${mine[at]} against ${other[at]}`;
  }
  return undefined;
}

async function timedMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export default async function (): Promise<BenchResult[]> {
  const endMs = Math.floor((Date.now() - 10 * 60_000) / STEP_MS) * STEP_MS;
  const startMs = endMs - RANGE_MS;
  // Samples sit 7 s off the step grid: no sample on a window's edge, where Prometheus 2.42's closed
  // range windows and the left-open ones pgtel follows would select differently.
  const firstMs = startMs - LOOKBACK_MS + 7_000;
  const steps = Math.floor((endMs - firstMs) / STEP_MS) + 1;
  const series = benchSeries();
  const prometheus = await startBackfilledPrometheus(openMetricsText(series, firstMs, steps));
  const db = await openBenchDatabase('pgtel_bench_promql');
  const server = await startBenchServer(db, QUERY_TIMEOUT_MS);
  try {
    await postAll(server.url, remoteWriteBodies(series, firstMs, steps, 2), 1);
    // What autovacuum does soon after a bulk load: statistics, and pages marked all-visible.
    await db.exec(`VACUUM ANALYZE ${db.table('metrics')}`);
    await db.exec(`ANALYZE ${db.table('metric_series')}`);
    // Prometheus compacts the backfilled blocks a minute after it starts: let that pass untimed.
    while (prometheus.uptimeMs() < 75_000) await new Promise((resolve) => setTimeout(resolve, 1_000));

    const rangeQuery = {
      query: 'sum by (x) (rate(bench_requests_total[5m]))',
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: '15',
      timeout: '120s',
    };
    const instantQuery = {
      query: 'histogram_quantile(0.9, sum by (le) (rate(bench_latency_seconds_bucket[5m])))',
      time: String(endMs / 1000),
      timeout: '120s',
    };
    for (const [path, params] of [
      ['query_range', rangeQuery],
      ['query', instantQuery],
    ] as const) {
      const [ours, theirs] = await Promise.all([
        queryApi(server.url, path, params),
        queryApi(prometheus.url, path, params),
      ]);
      if (ours.length === 0) throw new Error(`${params.query} selected nothing`);
      const difference = answerDifference(ours, theirs);
      if (difference)
        throw new Error(`pgtel and Prometheus answer ${params.query} differently: ${difference}`);
    }
    const range = await interleavedRounds(ROUNDS, {
      pgtel: () => timedMs(() => queryApi(server.url, 'query_range', rangeQuery)),
      prometheus: () => timedMs(() => queryApi(prometheus.url, 'query_range', rangeQuery)),
    });
    const instant = await interleavedRounds(ROUNDS * 4, {
      pgtel: () => timedMs(() => queryApi(server.url, 'query', instantQuery)),
      prometheus: () => timedMs(() => queryApi(prometheus.url, 'query', instantQuery)),
    });

    process.stderr.write(`query_range ms ${JSON.stringify(range)}\ninstant ms ${JSON.stringify(instant)}\n`);
    // Scrapes one second apart after the backfilled data (Prometheus refuses samples older than its
    // newest block); each round sends the next scrapes to both.
    const ingestFirstMs = endMs + 60_000;
    const roundBodies = (round: number) =>
      shardedScrapeBodies(ingestFirstMs + (round + 1) * INGEST_SCRAPES * 1_000, INGEST_SCRAPES);
    const samples = INGEST_SERIES * INGEST_SCRAPES;
    const bodies = new Map<number, Uint8Array[][]>();
    const bodiesOf = (round: number) => {
      if (!bodies.has(round)) bodies.set(round, roundBodies(round));
      return bodies.get(round)!;
    };
    const ingest = await interleavedRounds(ROUNDS, {
      pgtel: async (round) => {
        const own = bodiesOf(round);
        return samples / ((await timedMs(() => sendShards(server.url, own))) / 1000);
      },
      prometheus: async (round) => {
        const own = bodiesOf(round);
        return samples / ((await timedMs(() => sendShards(prometheus.url, own))) / 1000);
      },
    });
    return [
      compareRounds(
        'remote write ingest (2,000 series per scrape)',
        'samples/s',
        ingest.pgtel,
        ingest.prometheus,
        'Prometheus 2.42 remote-write receiver (TSDB head)',
        '>= 0.5',
      ),
      compareRounds(
        'PromQL query_range sum by (x)(rate[5m]), 1,000 series x 6 h, 15 s step',
        'ms',
        range.pgtel,
        range.prometheus,
        'Prometheus 2.42, same data and query',
        '<= 3',
      ),
      compareRounds(
        'PromQL instant histogram_quantile(0.9, sum by (le)(rate[5m])), 100 series',
        'ms',
        instant.pgtel,
        instant.prometheus,
        'Prometheus 2.42, same data and query',
        '<= 3',
      ),
    ];
  } finally {
    await server.close();
    await dropBenchDatabase(db);
    await prometheus.stop();
  }
}
