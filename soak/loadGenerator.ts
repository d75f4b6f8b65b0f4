import { otlpTypes } from '../src/otlp/protoRoot.js';
import { reasonOf } from './retryUntil.js';
import type { LoadReport } from './soakTypes.js';

/**
 * Bounded OTLP/HTTP protobuf load against the soak's `pgtel serve` instances (loopback only): a fixed
 * number of requests per second for as long as the runner lets it, each with spans and gauge points
 * of unique ids, sent to the instances in turn. A request is retried (same body, so retries are
 * idempotent for spans and detectable for points) on 503 and network errors, on the other instance
 * too, until a deadline; what is never accepted is counted with the reason.
 */
const urls = (process.env.SOAK_SERVE_URLS ?? '').split(',').filter(Boolean);
const requestsPerSecond = Number(process.env.SOAK_REQUESTS_PER_SECOND ?? 10);
const spansPerRequest = Number(process.env.SOAK_SPANS_PER_REQUEST ?? 20);
const pointsPerRequest = Number(process.env.SOAK_POINTS_PER_REQUEST ?? 5);
const maxInFlight = 8;
if (urls.length === 0 || urls.some((u) => !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(u)))
  throw new Error('the load generator only sends to loopback pgtel serve URLs');

const report: LoadReport = {
  requests: 0,
  responses: {},
  spans: { sent: 0, accepted: 0, rejected: 0, givenUp: {} },
  points: { sent: 0, accepted: 0, rejected: 0, givenUp: {} },
  ambiguousRetries: 0,
};
const count = (bucket: Record<string, number>, key: string, n = 1) => {
  bucket[key] = (bucket[key] ?? 0) + n;
};

let seq = 0;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const runId = hex(Math.floor(Math.random() * 0xffffffff), 8);
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'soak-loadgen' } }] };

function traceBody(batch: number): Uint8Array {
  // Real time, as any OTLP sender stamps it: pgtel refuses points more than a day ahead of its clock.
  const nowNs = Date.now() * 1e6;
  const traceId = Buffer.from(`${runId}${hex(batch, 24)}`, 'hex');
  const spans = Array.from({ length: spansPerRequest }, (_, i) => ({
    traceId,
    spanId: Buffer.from(hex(batch * 1000 + i + 1, 16), 'hex'),
    name: `soak load ${i % 5}`,
    kind: 2,
    startTimeUnixNano: nowNs - 5e6,
    endTimeUnixNano: nowNs,
    attributes: [{ key: 'soak.batch', value: { intValue: batch } }],
  }));
  const message = otlpTypes.ExportTraceServiceRequest.fromObject({
    resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'soak' }, spans }] }],
  });
  return otlpTypes.ExportTraceServiceRequest.encode(message).finish();
}

function metricsBody(batch: number): Uint8Array {
  const nowNs = Date.now() * 1e6;
  const dataPoints = Array.from({ length: pointsPerRequest }, (_, i) => ({
    timeUnixNano: nowNs,
    asDouble: i,
    attributes: [
      { key: 'soak_seq', value: { stringValue: `${runId}-${batch}-${i}` } },
      { key: 'soak_run', value: { stringValue: runId } },
    ],
  }));
  const message = otlpTypes.ExportMetricsServiceRequest.fromObject({
    resourceMetrics: [
      {
        resource,
        scopeMetrics: [
          { scope: { name: 'soak' }, metrics: [{ name: 'soak_otlp_points', gauge: { dataPoints } }] },
        ],
      },
    ],
  });
  return otlpTypes.ExportMetricsServiceRequest.encode(message).finish();
}

/** Rejected items of a 200 answer's partial success (0 when none). */
function rejectedOf(kind: 'traces' | 'metrics', body: Uint8Array): number {
  const type =
    kind === 'traces' ? otlpTypes.ExportTraceServiceResponse : otlpTypes.ExportMetricsServiceResponse;
  const decoded = type.toObject(type.decode(body), { longs: Number }) as {
    partialSuccess?: { rejectedSpans?: number; rejectedDataPoints?: number };
  };
  return Number(decoded.partialSuccess?.rejectedSpans ?? decoded.partialSuccess?.rejectedDataPoints ?? 0);
}

async function send(
  kind: 'traces' | 'metrics',
  body: Uint8Array,
  items: number,
  batch: number,
): Promise<void> {
  const tally = kind === 'traces' ? report.spans : report.points;
  tally.sent += items;
  const giveUpAt = Date.now() + 120_000;
  let reason = 'never sent';
  for (let attempt = 0; Date.now() < giveUpAt; attempt++) {
    const url = `${urls[(batch + attempt) % urls.length]}/v1/${kind}`;
    report.requests++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-protobuf',
          authorization: `Bearer ${process.env.SOAK_API_TOKEN}`,
        },
        body,
        signal: AbortSignal.timeout(60_000),
      });
      const answer = new Uint8Array(await response.arrayBuffer());
      if (response.status === 200) {
        const rejected = rejectedOf(kind, answer);
        count(report.responses, rejected > 0 ? 'partial' : '200');
        tally.accepted += items - rejected;
        tally.rejected += rejected;
        return;
      }
      count(report.responses, `retry-${response.status}`);
      reason = `HTTP ${response.status}`;
      if (response.status !== 503 && response.status !== 504 && response.status !== 429) break;
    } catch (error) {
      count(report.responses, 'network');
      report.ambiguousRetries++;
      reason = reasonOf(error);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 200 * 2 ** attempt)));
  }
  count(tally.givenUp, reason, items);
}

let stopping = false;
process.on('message', (message) => {
  if (message === 'stop') stopping = true;
});

const inFlight = new Set<Promise<void>>();
const tick = 1_000 / requestsPerSecond;
let next = Date.now();
while (!stopping) {
  if (inFlight.size < maxInFlight) {
    const batch = ++seq;
    const work = (async () => {
      await send('traces', traceBody(batch), spansPerRequest, batch);
      await send('metrics', metricsBody(batch), pointsPerRequest, batch);
    })();
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  } else {
    count(report.responses, 'skipped-backpressure');
  }
  next += tick;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - Date.now())));
}
await Promise.all(inFlight);
process.send?.({ type: 'report', report: { ...report, runId } }, () => process.exit(0));
