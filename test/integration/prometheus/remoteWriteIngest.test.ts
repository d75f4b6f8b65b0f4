import { compress } from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { postRemoteWrite, remoteWriteBody } from '../../helpers/remoteWrite.js';
import { useTestServer } from '../../helpers/testServer.js';

// Prometheus remote write into a real `pgtel serve` (in-process, real HTTP): what is stored, exactly
// once, and what is refused with nothing stored.
const ctx = useTestServer();
const now = Date.now() - 60_000;

interface StoredSample {
  name: string;
  labels: Record<string, string>;
  t: number;
  value: number;
  stale: boolean;
}

async function stored(name: string): Promise<StoredSample[]> {
  const { rows } = await ctx.server.db.query<{
    name: string;
    labels: Record<string, string>;
    t: Date;
    value: number;
    stale: boolean;
  }>(
    `SELECT s.metric_name AS name, s.labels, m.recorded_at AS t, m.metric_value AS value, m.stale
       FROM ${ctx.server.db.table('metrics')} m JOIN ${ctx.server.db.table('metric_series')} s USING (series_id)
      WHERE s.metric_name = $1 AND m.metric_type = 'sample' ORDER BY s.labels::text, m.recorded_at`,
    [name],
  );
  return rows.map((r) => ({
    name: r.name,
    labels: r.labels,
    t: r.t.getTime(),
    value: Number(r.value),
    stale: r.stale,
  }));
}

describe('POST /api/v1/write', () => {
  it('stores samples once, even when the request is sent again', async () => {
    const body = remoteWriteBody(
      [
        {
          labels: [
            ['__name__', 'rw_requests_total'],
            ['job', 'api'],
            ['instance', 'a:1'],
          ],
          samples: [
            { value: 1, timestampMs: now },
            { value: 3, timestampMs: now + 15_000 },
          ],
        },
        {
          labels: [
            ['__name__', 'rw_requests_total'],
            ['job', 'api'],
            ['instance', 'b:1'],
          ],
          samples: [{ value: 7, timestampMs: now }],
        },
      ],
      [{ type: 1, family: 'rw_requests_total', help: 'Requests served.' }],
    );
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await postRemoteWrite(ctx.server.url, body);
      expect(response.status).toBe(204);
    }
    expect(await stored('rw_requests_total')).toEqual([
      { name: 'rw_requests_total', labels: { instance: 'a:1', job: 'api' }, t: now, value: 1, stale: false },
      {
        name: 'rw_requests_total',
        labels: { instance: 'a:1', job: 'api' },
        t: now + 15_000,
        value: 3,
        stale: false,
      },
      { name: 'rw_requests_total', labels: { instance: 'b:1', job: 'api' }, t: now, value: 7, stale: false },
    ]);
    const { rows } = await ctx.server.db.query(
      `SELECT metric_type, help FROM ${ctx.server.db.table('prometheus_metadata')} WHERE metric_family_name = 'rw_requests_total'`,
    );
    expect(rows).toEqual([{ metric_type: 'counter', help: 'Requests served.' }]);
  });

  it('keeps a staleness marker apart from a real NaN sample', async () => {
    const response = await postRemoteWrite(
      ctx.server.url,
      remoteWriteBody([
        {
          labels: [
            ['__name__', 'rw_nan'],
            ['job', 'x'],
          ],
          samples: [
            { value: Number.NaN, timestampMs: now },
            { value: 0, timestampMs: now + 1000, stale: true },
          ],
        },
      ]),
    );
    expect(response.status).toBe(204);
    const samples = await stored('rw_nan');
    expect(samples.map((s) => [s.t - now, s.value, s.stale])).toEqual([
      [0, Number.NaN, false],
      [1000, Number.NaN, true],
    ]);
  });

  it('refuses out-of-order samples and another value at a stored timestamp, storing nothing of the request', async () => {
    const series = [
      ['__name__', 'rw_conflict'],
      ['job', 'x'],
    ] as [string, string][];
    const first = await postRemoteWrite(
      ctx.server.url,
      remoteWriteBody([{ labels: series, samples: [{ value: 1, timestampMs: now + 10_000 }] }]),
    );
    expect(first.status).toBe(204);
    const other = [
      ['__name__', 'rw_conflict'],
      ['job', 'other'],
    ] as [string, string][];
    for (const [samples, message] of [
      [[{ value: 2, timestampMs: now + 10_000 }], /duplicate sample for timestamp/],
      [[{ value: 2, timestampMs: now }], /out of order sample/],
      [
        [
          { value: 2, timestampMs: now + 20_000 },
          { value: 3, timestampMs: now + 19_000 },
        ],
        /out of order sample/,
      ],
    ] as const) {
      const response = await postRemoteWrite(
        ctx.server.url,
        remoteWriteBody([
          { labels: other, samples: [{ value: 5, timestampMs: now }] },
          { labels: series, samples: [...samples] },
        ]),
      );
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect((await stored('rw_conflict')).map((s) => [s.labels.job, s.value])).toEqual([['x', 1]]);
  });

  it('refuses bad bodies with 400 and a clear message, storing nothing', async () => {
    const sample = [{ value: 1, timestampMs: now }];
    for (const [body, message] of [
      [new TextEncoder().encode('not snappy at all'), /Snappy/],
      [compress(new TextEncoder().encode('not protobuf')), /WriteRequest|truncated/],
      [remoteWriteBody([{ labels: [['job', 'rw_bad']], samples: sample }]), /no __name__ label/],
      [
        remoteWriteBody([
          {
            labels: [
              ['__name__', 'rw_bad'],
              ['a-b', 'x'],
            ],
            samples: sample,
          },
        ]),
        /invalid label name "a-b"/,
      ],
      [
        remoteWriteBody([
          {
            labels: [
              ['__name__', 'rw_bad'],
              ['a', 'x'],
              ['a', 'y'],
            ],
            samples: sample,
          },
        ]),
        /duplicate label name "a"/,
      ],
    ] as const) {
      const response = await postRemoteWrite(ctx.server.url, body);
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(message);
    }
    expect(await stored('rw_bad')).toEqual([]);
  });
});
