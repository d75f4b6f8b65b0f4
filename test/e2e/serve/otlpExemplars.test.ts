import { describe, expect, it } from 'vitest';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
// A whole second an hour ago: inside the metrics retention, whatever day the suite runs.
const TIME_MS = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
const TIME = String(BigInt(TIME_MS) * 1_000_000n);
const OBSERVED_AT = new Date(TIME_MS).toISOString();
const trace = (i: number) => i.toString(16).padStart(32, '0');
const span = (i: number) => i.toString(16).padStart(16, '0');

/** An OTLP/JSON request (ids in hex, as OTLP/JSON encodes them) with exemplars on every kind. */
function request() {
  const histogramExemplars = Array.from({ length: 12 }, (_, i) => ({
    timeUnixNano: TIME,
    asDouble: (i + 1) * 10,
    traceId: trace(i + 1),
    spanId: span(i + 1),
    filteredAttributes: [{ key: 'user', value: { stringValue: 'u1' } }],
  }));
  // Without ids it leads nowhere, however high its value.
  histogramExemplars.push({ timeUnixNano: TIME, asDouble: 10_000 } as (typeof histogramExemplars)[0]);
  return {
    resourceMetrics: [
      {
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'x.latency',
                unit: 'ms',
                histogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      timeUnixNano: TIME,
                      count: '13',
                      sum: 10_780,
                      bucketCounts: ['12', '1'],
                      explicitBounds: [1000],
                      attributes: [{ key: 'route', value: { stringValue: '/pay' } }],
                      exemplars: histogramExemplars,
                    },
                  ],
                },
              },
              {
                name: 'x.requests',
                sum: {
                  aggregationTemporality: 1,
                  isMonotonic: true,
                  dataPoints: [
                    {
                      timeUnixNano: TIME,
                      asInt: '3',
                      exemplars: [{ asInt: '1', traceId: trace(99), spanId: span(99) }],
                    },
                  ],
                },
              },
              {
                name: 'x.queue',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano: TIME,
                      asDouble: 4,
                      exemplars: [{ timeUnixNano: TIME, asDouble: 4, traceId: trace(7), spanId: span(7) }],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('exemplars received over OTLP/HTTP', () => {
  it('are stored with their points: the 8 highest with a trace, on histograms, sums and gauges', async () => {
    const response = await fetch(`${ctx.server.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request()),
    });
    expect(response.status).toBe(200);
    const { db } = ctx.server;
    const { rows } = await db.query<{
      metric_name: string;
      exemplars: Record<string, unknown>[] | null;
    }>(`SELECT metric_name, exemplars FROM ${db.table('metrics')} WHERE metric_name LIKE 'x.%' ORDER BY 1`);
    expect(rows.map((r) => r.metric_name)).toEqual(['x.latency', 'x.queue', 'x.requests']);
    const [latency, queue, requests] = rows;
    expect(latency!.exemplars!.map((e) => e.value)).toEqual([120, 110, 100, 90, 80, 70, 60, 50]);
    expect(latency!.exemplars![0]).toEqual({
      trace_id: trace(12),
      span_id: span(12),
      value: 120,
      observed_at: OBSERVED_AT,
      attributes: { user: 'u1' },
    });
    expect(queue!.exemplars).toEqual([
      { trace_id: trace(7), span_id: span(7), value: 4, observed_at: OBSERVED_AT },
    ]);
    // An exemplar without a time takes its point's.
    expect(requests!.exemplars).toEqual([
      { trace_id: trace(99), span_id: span(99), value: 1, observed_at: OBSERVED_AT },
    ]);

    const view = await db.query<{ trace_id: string; value: number; attributes: unknown }>(
      `SELECT trace_id, value, attributes FROM ${db.table('metric_exemplars')}
        WHERE metric_name = 'x.latency' ORDER BY value DESC LIMIT 2`,
    );
    expect(view.rows).toEqual([
      { trace_id: trace(12), value: 120, attributes: { user: 'u1' } },
      { trace_id: trace(11), value: 110, attributes: { user: 'u1' } },
    ]);
  });
});
