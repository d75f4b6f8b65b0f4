import { describe, expect, it } from 'vitest';
import { postRemoteWrite, remoteWriteBody } from '../../helpers/remoteWrite.js';
import { useTestServer } from '../../helpers/testServer.js';

// Exemplars arrive with remote-written samples and with OTLP histogram points; Prometheus's
// /api/v1/query_exemplars must show each on its series (a histogram's on the bucket holding it).
const ctx = useTestServer();

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';
const T = Date.now() - 60_000;
const nanos = (ms: number) => `${BigInt(ms) * 1_000_000n}`;

interface SeriesExemplars {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

async function queryExemplars(params: Record<string, string>): Promise<[number, SeriesExemplars[]]> {
  const response = await fetch(`${ctx.server.url}/api/v1/query_exemplars?${new URLSearchParams(params)}`);
  const body = (await response.json()) as { data: SeriesExemplars[] };
  return [response.status, body.data];
}

describe('/api/v1/query_exemplars', () => {
  it('returns stored exemplars of remote-written series and OpenTelemetry histogram buckets', async () => {
    const written = await postRemoteWrite(
      ctx.server.url,
      remoteWriteBody([
        {
          labels: [
            ['__name__', 'rw_requests_total'],
            ['job', 'shop'],
          ],
          samples: [{ value: 5, timestampMs: T }],
          exemplars: [
            {
              labels: [
                ['trace_id', TRACE],
                ['span_id', SPAN],
                ['user', 'ann'],
              ],
              value: 1,
              timestampMs: T,
            },
          ],
        },
      ]),
    );
    expect(written.status).toBe(204);
    const otlp = await fetch(`${ctx.server.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'api' } }] },
            scopeMetrics: [
              {
                scope: { name: 'http' },
                metrics: [
                  {
                    name: 'http.server.request.duration',
                    unit: 's',
                    histogram: {
                      aggregationTemporality: 1,
                      dataPoints: [
                        {
                          startTimeUnixNano: nanos(T - 10_000),
                          timeUnixNano: nanos(T),
                          count: '3',
                          sum: 1.5,
                          bucketCounts: ['1', '2', '0'],
                          explicitBounds: [0.1, 1],
                          exemplars: [
                            { timeUnixNano: nanos(T - 5_000), asDouble: 0.7, traceId: TRACE, spanId: SPAN },
                          ],
                        },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      }),
    });
    expect(otlp.status).toBe(200);

    const [status, data] = await queryExemplars({
      query: 'rw_requests_total + on() group_left http_server_request_duration_seconds_bucket',
      start: String((T - 60_000) / 1000),
      end: String((T + 60_000) / 1000),
    });
    expect(status).toBe(200);
    expect(data).toHaveLength(2);
    expect(data).toContainEqual({
      seriesLabels: { __name__: 'rw_requests_total', job: 'shop' },
      exemplars: [
        { labels: { trace_id: TRACE, span_id: SPAN, user: 'ann' }, value: '1', timestamp: T / 1000 },
      ],
    });
    expect(data).toContainEqual({
      seriesLabels: { __name__: 'http_server_request_duration_seconds_bucket', job: 'api', le: '1' },
      exemplars: [
        { labels: { trace_id: TRACE, span_id: SPAN }, value: '0.7', timestamp: (T - 5_000) / 1000 },
      ],
    });

    // Outside the range: nothing.
    const [, before] = await queryExemplars({
      query: 'rw_requests_total',
      start: String((T - 600_000) / 1000),
      end: String((T - 300_000) / 1000),
    });
    expect(before).toEqual([]);
  });
});
