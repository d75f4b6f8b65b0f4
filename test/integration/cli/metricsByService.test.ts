import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import { useCliDatabase } from '../../helpers/cliDatabase.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';

// The CLI answers through the in-process API app: on the real server (own schema) or an embedded
// folder nobody else holds.
const NOW = Date.now();
const env = useCliDatabase('climet', async (db) => {
  for (const [service, n] of [
    ['checkout', 3],
    ['search', 4],
  ] as const) {
    for (let i = 1; i <= 5; i++) {
      await insertMetricRow(db, {
        name: 'jobs_total',
        type: 'counter',
        service,
        resource: { 'host.name': `${service}-host` },
        labels: { queue: 'emails' },
        at: new Date(NOW - i * 60_000),
        value: n,
      });
    }
  }
});

async function pgtel(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env,
  });
  return { code, out, err };
}

describe('pgtel metrics by service', () => {
  it('lists the services of each metric and filters the list by --service', async () => {
    const list = await pgtel('metrics');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/services/);
    expect(list.out).toMatch(/jobs_total\s+counter\s+2\s+checkout, search/);
    const search = await pgtel('metrics', '--service', 'search', '--json');
    const body = JSON.parse(search.out);
    expect(body.metrics.map((m: { services: string[] }) => m.services)).toEqual([['search']]);
  });

  it('groups a metric by service.name and filters it by --service', async () => {
    const grouped = await pgtel(
      'metrics',
      'jobs_total',
      '--step',
      '1h',
      '--from',
      String(NOW - 3_600_000),
      '--group-by',
      'service.name',
    );
    expect(grouped.code).toBe(0);
    expect(grouped.out).toMatch(/service\.name=checkout/);
    expect(grouped.out).toMatch(/service\.name=search/);
    const json = await pgtel(
      'metrics',
      'jobs_total',
      '--from',
      String(NOW - 3_600_000),
      '--step',
      '1h',
      '--group-by',
      'service.name',
      '--json',
    );
    const lines = JSON.parse(json.out).lines as {
      labels: Record<string, string>;
      points: [number, number][];
    }[];
    const totals = lines.map((l) => [l.labels['service.name'], l.points.reduce((s, [, v]) => s + v, 0)]);
    expect(totals).toEqual([
      ['checkout', 15],
      ['search', 20],
    ]);
    const one = await pgtel(
      'metrics',
      'jobs_total',
      '--service',
      'search',
      '--from',
      String(NOW - 3_600_000),
      '--step',
      '1h',
    );
    expect(one.out).toMatch(/service search/);
    // One row per step: its start and the value of the one line of all series.
    expect(one.out).toMatch(/^time\s+value$/m);
    expect(one.out).toMatch(/^\d{4}-\d\d-\d\dT\d\d:00:00Z\s+\d+$/m);
    const oneJson = await pgtel(
      'metrics',
      'jobs_total',
      '--service',
      'search',
      '--json',
      '--from',
      String(NOW - 3_600_000),
      '--step',
      '1h',
    );
    const points = JSON.parse(oneJson.out).lines[0].points as [number, number][];
    expect(points.reduce((s, [, v]) => s + v, 0)).toBe(20);
    const host = await pgtel(
      'metrics',
      'jobs_total',
      '--resource',
      'host.name:checkout-host',
      '--json',
      '--from',
      String(NOW - 3_600_000),
      '--step',
      '1h',
    );
    expect(
      JSON.parse(host.out).lines[0].points.reduce((s: number, [, v]: [number, number]) => s + v, 0),
    ).toBe(15);
  });

  it('says what is wrong with a malformed resource filter, and shows nothing for an unknown service', async () => {
    const bad = await pgtel('metrics', 'jobs_total', '--resource', 'nocolon');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/resource/);
    const unknown = await pgtel('metrics', 'jobs_total', '--service', 'nobody', '--json');
    expect(unknown.code).toBe(0);
    expect(JSON.parse(unknown.out).lines).toEqual([]);
  });
});
