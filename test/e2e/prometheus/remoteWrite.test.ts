import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { PgSampleSource } from '../../../src/promql/PgSampleSource.js';
import type { LabelMatcher } from '../../../src/promql/SampleSource.js';
import { eventually } from '../../helpers/eventually.js';
import { hasBinary } from '../../helpers/peers.js';
import { type RunningPrometheus, startPrometheus } from '../../helpers/prometheus.js';
import { useTestServer } from '../../helpers/testServer.js';

// A real Prometheus scrapes pgtel's /metrics every second and remote-writes what it scraped to the
// same pgtel serve on its default remote_write settings; pgtel must then hold exactly the samples
// Prometheus holds, each once.
const ctx = useTestServer();
let prometheus: RunningPrometheus | undefined;
let flaky: Server | undefined;

afterAll(async () => {
  await prometheus?.stop();
  flaky?.close();
});

/** A second scrape target serving one gauge, until the test stops it. */
async function startFlakyTarget(): Promise<Server> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    response.end('# TYPE flaky_value gauge\nflaky_value 42\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

type Samples = Record<string, [number, number][]>;
const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());
const JOB: LabelMatcher[] = [{ name: 'job', type: '=', value: 'pgtel' }];

/** Every sample of job pgtel in (end - 1h, end] as Prometheus itself answers a range selector. */
async function prometheusSamples(url: string, endMs: number): Promise<Samples> {
  const query = encodeURIComponent('{job="pgtel"}[1h]');
  const response = await fetch(`${url}/api/v1/query?query=${query}&time=${endMs / 1000}`);
  const body = (await response.json()) as {
    data: { result: { metric: Record<string, string>; values: [number, string][] }[] };
  };
  return Object.fromEntries(
    body.data.result.map((r) => [key(r.metric), r.values.map(([t, v]) => [Math.round(t * 1000), Number(v)])]),
  );
}

async function pgtelSamples(endMs: number): Promise<Samples> {
  const series = await new PgSampleSource(ctx.server.db).select(JOB, endMs - 3_600_000 + 1, endMs, {
    maxSamples: 1_000_000,
  });
  // Prometheus's query results leave staleness markers out; so does this comparison.
  return Object.fromEntries(
    series.map((s) => [
      key(s.labels),
      Array.from(s.timestamps).flatMap((t, i): [number, number][] =>
        s.stale?.[i] ? [] : [[t, s.values[i]!]],
      ),
    ]),
  );
}

describe.runIf(hasBinary('prometheus'))('Prometheus remote write into pgtel serve', () => {
  it('stores exactly the samples Prometheus scraped, each once', async () => {
    flaky = await startFlakyTarget();
    const flakyTarget = `127.0.0.1:${(flaky.address() as AddressInfo).port}`;
    const peer = await startPrometheus(
      [new URL(ctx.server.url).host, flakyTarget],
      [],
      `${ctx.server.url}/api/v1/write`,
    );
    prometheus = peer;
    const source = new PgSampleSource(ctx.server.db);
    const upTimes = await eventually(
      async () => {
        const [up] = await source.select(
          [...JOB, { name: '__name__', type: '=', value: 'up' }],
          0,
          Date.now() + 60_000,
          {
            maxSamples: 10_000,
          },
        );
        return up && up.timestamps.length >= 6 ? up.timestamps : undefined;
      },
      `remote-written samples of up in pgtel\n${peer.output()}`,
      60_000,
    );
    // The second target goes away: Prometheus ends its series with staleness markers.
    flaky.closeAllConnections();
    await new Promise((resolve) => flaky?.close(resolve));
    const [ended] = await eventually(
      async () => {
        const found = await source.select(
          [{ name: '__name__', type: '=', value: 'flaky_value' }],
          0,
          Date.now() + 60_000,
          { maxSamples: 10_000 },
        );
        return found[0]?.stale?.includes(true) ? found : undefined;
      },
      'a staleness marker of flaky_value in pgtel',
      30_000,
    );
    const staleAt = ended!.stale!.indexOf(true);
    expect(ended!.values.slice(0, staleAt).every((v) => v === 42)).toBe(true);
    expect(staleAt).toBe(ended!.timestamps.length - 1);
    // A scrape a few seconds back: every series of it has been sent by now (or shortly).
    const cutoff = Math.max(upTimes[upTimes.length - 3]!, ended!.timestamps[staleAt]!);
    let ours: Samples = {};
    let theirs: Samples = {};
    await eventually(
      async () => {
        [ours, theirs] = await Promise.all([pgtelSamples(cutoff), prometheusSamples(peer.url, cutoff)]);
        return JSON.stringify(ours) === JSON.stringify(theirs) ? true : undefined;
      },
      'pgtel to hold what Prometheus holds',
      30_000,
    ).catch(() => undefined);
    expect(Object.keys(theirs).length).toBeGreaterThan(10);
    expect(ours).toEqual(theirs);
    expect(
      theirs[key({ __name__: 'up', instance: new URL(ctx.server.url).host, job: 'pgtel' })]?.length,
    ).toBeGreaterThanOrEqual(4);
    const { rows } = await ctx.server.db.query<{ rows: number; points: number }>(
      `SELECT count(*) AS rows, count(DISTINCT (series_id, recorded_at)) AS points
         FROM ${ctx.server.db.table('metrics')} WHERE metric_type = 'sample'`,
    );
    expect(rows[0]!.rows).toBe(rows[0]!.points);
  }, 120_000);
});
