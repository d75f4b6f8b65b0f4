import { describe, expect, test } from 'vitest';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestServer } from '../../helpers/testServer.js';

// Far from the wall clock on purpose: the time window must follow the server's clock.
const NOW = Date.UTC(2026, 5, 15, 12);
const clock = new ManualClock(NOW);
// The configured retention of spans (default 30 days) sets the oldest start accepted.
const ctx = useTestServer({ clock, retentionDays: { spans: 20 } });

const MS = 1_000_000n;
const nowNanos = BigInt(NOW) * MS;
const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
/** The largest fixed64: 2554-07-21T23:34:33Z. */
const MAX_FIXED64 = 2n ** 64n - 1n;

interface JsonSpan {
  traceId: string;
  spanId: string;
  name: string;
  kind?: number | string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: { key: string; value: { stringValue: string } }[];
  status?: { code: number | string; message?: string };
}

/** Span ids of one test: `group` keeps tests from sending each other's spans. */
const spanId = (group: number, i: number) => hex(group * 100_000 + i + 1, 16);

function span(group: number, i: number, overrides: Partial<JsonSpan> = {}): JsonSpan {
  const start = nowNanos - 60_000n * MS + BigInt(i) * MS;
  return {
    traceId: hex(group * 100_000 + 1 + Math.floor(i / 10), 32),
    spanId: spanId(group, i),
    name: `op ${i % 7}`,
    kind: 2,
    startTimeUnixNano: String(start),
    endTimeUnixNano: String(start + 5n * MS),
    ...overrides,
  };
}

function request(service: string, spans: JsonSpan[]) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 'ingest-test' }, spans }],
      },
    ],
  };
}

interface PartialSuccess {
  rejectedSpans?: string | number;
  errorMessage?: string;
}

async function postJson(
  path: string,
  body: unknown,
): Promise<{ status: number; body: { partialSuccess?: PartialSuccess } }> {
  const response = await fetch(`${ctx.server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { partialSuccess?: PartialSuccess } };
}

/** Sends as the OpenTelemetry exporters do: protobuf, ids as bytes. */
async function postProtobuf(
  body: ReturnType<typeof request>,
): Promise<{ status: number; partialSuccess: unknown }> {
  const type = otlpTypes.ExportTraceServiceRequest;
  const message = type.fromObject(
    JSON.parse(JSON.stringify(body), (key, value) =>
      key === 'traceId' || key === 'spanId' ? Buffer.from(value, 'hex') : value,
    ),
  );
  const response = await fetch(`${ctx.server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: type.encode(message).finish(),
  });
  const answer = otlpTypes.ExportTraceServiceResponse.decode(new Uint8Array(await response.arrayBuffer()));
  return { status: response.status, partialSuccess: answer.toJSON().partialSuccess };
}

async function storedSpans(service: string) {
  const { db } = ctx.server;
  const { rows } = await db.query<{
    span_id: string;
    operation_name: string;
    kind: string;
    status: string;
    start_time: Date;
    end_time: Date;
    duration_ms: number;
    attributes: Record<string, unknown>;
  }>(
    `SELECT span_id, operation_name, kind, status, start_time, end_time, duration_ms, attributes
       FROM ${db.table('spans')} WHERE service_name = $1 ORDER BY span_id`,
    [service],
  );
  return rows;
}

describe('OTLP trace ingest', () => {
  test('a request sent twice stores its 5,000 spans once, and the second answer reports no rejection', async () => {
    const body = request(
      'resent',
      Array.from({ length: 5_000 }, (_, i) => span(1, i)),
    );
    const first = await postProtobuf(body);
    expect(first).toEqual({ status: 200, partialSuccess: undefined });
    const second = await postProtobuf(body);
    expect(second).toEqual({ status: 200, partialSuccess: undefined });
    const { db } = ctx.server;
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${db.table('spans')} WHERE service_name = 'resent'`,
    );
    expect(rows[0]!.n).toBe(5_000);
  }, 60_000);

  test('over-long names are cut and an end before the start is clamped, both marked; times outside the window are refused by name', async () => {
    const longName = 'n'.repeat(10_240);
    const spans = [
      span(2, 0, { name: longName }),
      span(2, 1, { endTimeUnixNano: '0' }),
      span(2, 2, { startTimeUnixNano: '0', endTimeUnixNano: '1000' }),
      span(2, 3, { startTimeUnixNano: String(MAX_FIXED64), endTimeUnixNano: String(MAX_FIXED64) }),
      span(2, 4),
      span(2, 5),
    ];
    const answer = await postJson('/v1/traces', request('edges', spans));
    expect(answer.status).toBe(200);
    expect(answer.body.partialSuccess).toEqual({
      rejectedSpans: '2',
      errorMessage:
        '2 span(s) refused: start time 1970-01-01T00:00:00Z is older than the 20-day retention; ' +
        'start time 2554-07-21T23:34:33Z is more than a day in the future',
    });
    const stored = await storedSpans('edges');
    expect(stored.map((s) => s.span_id)).toEqual([spanId(2, 0), spanId(2, 1), spanId(2, 4), spanId(2, 5)]);
    const [long, clamped] = stored;
    expect(long!.operation_name).toBe('n'.repeat(1024));
    expect(long!.attributes).toEqual({ 'pgtel.truncated': ['operation_name'] });
    expect(clamped!.end_time).toEqual(clamped!.start_time);
    expect(clamped!.duration_ms).toBe(0);
    expect(clamped!.attributes).toEqual({
      'pgtel.clamped': ['end_time'],
      'pgtel.original_end_time': '1970-01-01T00:00:00.000000Z',
    });
  });

  test('the window follows the retention configured for spans and the server clock', async () => {
    const days = (n: number) => BigInt(n) * 86_400_000n * MS;
    const spans = [
      span(3, 0, {
        startTimeUnixNano: String(nowNanos - days(19)),
        endTimeUnixNano: String(nowNanos - days(19)),
      }),
      span(3, 1, {
        startTimeUnixNano: String(nowNanos - days(21)),
        endTimeUnixNano: String(nowNanos - days(21)),
      }),
      span(3, 2, {
        startTimeUnixNano: String(nowNanos - days(40)),
        endTimeUnixNano: String(nowNanos - days(40)),
      }),
      span(3, 3, {
        startTimeUnixNano: String(nowNanos + days(1) - MS),
        endTimeUnixNano: String(nowNanos + days(1)),
      }),
      span(3, 4, {
        startTimeUnixNano: String(nowNanos + days(2)),
        endTimeUnixNano: String(nowNanos + days(2)),
      }),
    ];
    const answer = await postJson('/v1/traces', request('window', spans));
    expect(answer.body.partialSuccess).toEqual({
      rejectedSpans: '3',
      errorMessage:
        '3 span(s) refused: start time 2026-05-25T12:00:00Z is older than the 20-day retention (and 1 more like it); ' +
        'start time 2026-06-17T12:00:00Z is more than a day in the future',
    });
    expect((await storedSpans('window')).map((s) => s.span_id)).toEqual([spanId(3, 0), spanId(3, 3)]);
  });

  test('OTLP/JSON enums may be given by name', async () => {
    const spans = [
      span(4, 0, { kind: 'SPAN_KIND_CLIENT', status: { code: 'STATUS_CODE_ERROR', message: 'boom' } }),
      span(4, 1, { kind: 'SPAN_KIND_CONSUMER', status: { code: 'STATUS_CODE_OK' } }),
      span(4, 2, { kind: 4, status: { code: 0 } }),
    ];
    const answer = await postJson('/v1/traces', request('enums', spans));
    expect(answer).toEqual({ status: 200, body: {} });
    expect((await storedSpans('enums')).map((s) => [s.kind, s.status])).toEqual([
      ['client', 'error'],
      ['consumer', 'ok'],
      ['producer', 'unset'],
    ]);
    const metrics = await postJson('/v1/metrics', {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'enum_named_total',
                  sum: {
                    aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    isMonotonic: true,
                    dataPoints: [{ timeUnixNano: String(nowNanos), asInt: '3' }],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(metrics).toEqual({ status: 200, body: {} });
    const unknown = await postJson(
      '/v1/traces',
      request('enums', [span(4, 3, { kind: 'SPAN_KIND_SIDEWAYS' })]),
    );
    expect(unknown.status).toBe(400);
  });
});
