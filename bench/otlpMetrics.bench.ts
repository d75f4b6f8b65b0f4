// OTLP metrics ingest on the real server, medians of interleaved rounds:
// 1. points/s stored through `pgtel serve` (OTLP/HTTP protobuf, cumulative sums as the OpenTelemetry
//    SDK sends them by default -> deltas against the stored running totals) beside the library's
//    direct export of the same points (PgtelMetricExporter, delta: no state to read);
// 2. a request sent again whole (a retry after a lost answer: every point already stored) beside
//    its first send (goal <= 1.5x).
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { createLogger } from '../src/logger.js';
import { PgtelMetricExporter } from '../src/metrics/PgtelMetricExporter.js';
import { dropBenchDatabase, openBenchDatabase, startBenchServer } from './benchDatabase.js';
import { type BenchResult, compareRounds, interleavedRounds } from './harness.js';

const SERIES = 2_000;
const ROUNDS = 7;
const START: [number, number] = [Math.floor(Date.now() / 1000) - 3600, 0];
const SUM = 3;
const CUMULATIVE = 1;
const DELTA = 0;

/** One export of every series: `round` seconds after the start, each total grown by `round + 1`. */
function resourceMetrics(name: string, round: number, temporality: number): ResourceMetrics {
  const end: [number, number] = [START[0] + 60 + round, 0];
  return {
    resource: resourceFromAttributes({ 'service.name': 'bench', 'host.name': 'bench-1' }),
    scopeMetrics: [
      {
        scope: { name: 'bench', version: '1.0.0' },
        metrics: [
          {
            descriptor: { name, description: '', unit: '1', valueType: 1 },
            aggregationTemporality: temporality,
            dataPointType: SUM,
            isMonotonic: true,
            dataPoints: Array.from({ length: SERIES }, (_, i) => ({
              startTime: temporality === CUMULATIVE ? START : [end[0] - 1, 0],
              endTime: end,
              attributes: { 'http.route': `/r/${i % 50}`, 'http.response.status_code': 200 + (i % 40) },
              value: temporality === CUMULATIVE ? ((round + 2) * (round + 1)) / 2 : round + 1,
            })),
          },
        ],
      },
    ],
  } as unknown as ResourceMetrics;
}

async function post(url: string, body: Uint8Array): Promise<number> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`ingest answered ${response.status}`);
  return performance.now() - started;
}

export default async function (): Promise<BenchResult[]> {
  const db = await openBenchDatabase('pgtel_bench_otlp_metrics');
  const server = await startBenchServer(db);
  const library = new PgtelMetricExporter({ db, logger: createLogger('error') });
  try {
    const url = `${server.url}/v1/metrics`;
    const bodies = new Map<number, Uint8Array>();
    const body = (round: number) => {
      let encoded = bodies.get(round);
      if (!encoded) {
        encoded = ProtobufMetricsSerializer.serializeRequest(
          resourceMetrics('bench.requests', round, CUMULATIVE),
        )!;
        bodies.set(round, encoded);
      }
      return encoded;
    };
    const measures = await interleavedRounds(ROUNDS, {
      otlp: async (round) => SERIES / ((await post(url, body(round + 1))) / 1000),
      library: async (round) => {
        const started = performance.now();
        const done = await new Promise<{ code: number; error?: Error }>((resolve) =>
          library.export(resourceMetrics('bench.library.requests', round + 1, DELTA), resolve),
        );
        if (done.code !== 0) throw done.error ?? new Error('library export failed');
        return SERIES / ((performance.now() - started) / 1000);
      },
      first: async (round) => post(url, body(round + 100)),
      resend: async (round) => post(url, body(round + 100)),
    });
    return [
      compareRounds(
        'OTLP metric ingest, cumulative sums (2,000 points a request)',
        'points/s',
        measures.otlp,
        measures.library,
        'library export (delta)',
        '>= 0.5',
      ),
      compareRounds(
        'OTLP metrics request sent again whole (all duplicates)',
        'ms',
        measures.resend,
        measures.first,
        'its first send',
        '<= 1.5',
      ),
    ];
  } finally {
    await library.shutdown();
    await server.close();
    await dropBenchDatabase(db);
  }
}
