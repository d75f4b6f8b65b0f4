import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import type { OtlpSpan } from '../../../src/otlp/otlpModel.js';
import { timeWindow } from '../../../src/otlp/timeWindow.js';
import { storeOtlpSpans } from '../../../src/tracing/storeOtlpSpans.js';
import { useCliDatabase } from '../../helpers/cliDatabase.js';
import { insertMetricRow } from '../../helpers/insertMetricRow.js';

// One trace of two spans, one of them an error; a gauge with a value in each of three minutes.
const NOW = Date.now();
const MINUTE = 60_000;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const STEP_START = Math.floor(NOW / MINUTE) * MINUTE - 10 * MINUTE;

function span(i: number, status: 'ok' | 'error'): OtlpSpan {
  const start = BigInt(NOW - MINUTE + i) * 1_000_000n;
  return {
    resource: {
      attributes: { 'service.name': 'shop' },
      serviceName: 'shop',
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    traceId: TRACE_ID,
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: i === 0 ? null : '0000000000000001',
    traceState: '',
    flags: 0,
    name: `op${i}`,
    kind: 'server',
    startTimeUnixNano: start,
    startTime: new Date(Number(start / 1_000_000n)),
    endTimeUnixNano: start + 1_000_000n,
    endTime: new Date(Number(start / 1_000_000n) + 1),
    attributes: {},
    events: [],
    links: [],
    status: { code: status, message: '' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const env = useCliDatabase('clirough', async (db) => {
  await storeOtlpSpans(db, [span(0, 'ok'), span(1, 'error')], timeWindow(NOW, 30));
  for (const [minute, value] of [
    [0, 5],
    [1, 7],
    [3, 11],
  ] as const)
    await insertMetricRow(db, {
      name: 'queue_depth',
      type: 'gauge',
      labels: { queue: 'emails' },
      at: new Date(STEP_START + minute * MINUTE + 1_000),
      value,
    });
});

async function pgtel(
  args: string[],
  environment: NodeJS.ProcessEnv = env,
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    env: environment,
  });
  return { code, out, err };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const empty = mkdtempSync(join(tmpdir(), 'pgtel-empty-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe('pgtel CLI rough edges', () => {
  it('refuses a non-SELECT query with a clear message, exit 1, in text and in JSON', async () => {
    const text = await pgtel(['query', '/* tidy up */ delete from spans']);
    expect(text.code).toBe(1);
    expect(text.err).toMatch(/only SELECT\/WITH queries are allowed.*not DELETE/);
    const json = await pgtel(['query', 'DROP TABLE spans', '--json']);
    expect(json.code).toBe(1);
    expect(json.err).toBe('');
    expect(JSON.parse(json.out)).toEqual({
      error: { code: 'PGTEL_INVALID', message: expect.stringMatching(/^only SELECT\/WITH .* not DROP/) },
    });
    expect((await pgtel(['query', 'select count(*) AS n from spans'])).out).toMatch(/^2\s*$/m);
  });

  it('says there is no metric of an unknown name, exit 1', async () => {
    const text = await pgtel(['metrics', 'nosuch']);
    expect(text.code).toBe(1);
    expect(text.err).toMatch(/^pgtel metrics: no metric named nosuch between /);
    const json = await pgtel(['metrics', 'nosuch', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out).error).toMatchObject({
      code: 'PGTEL_NOT_FOUND',
      message: expect.stringMatching(/^no metric named nosuch/),
    });
  });

  it('prints a metric as one row per step with its value', async () => {
    const result = await pgtel([
      'metrics',
      'queue_depth',
      '--from',
      String(STEP_START),
      '--to',
      String(STEP_START + 4 * MINUTE),
      '--step',
      '1m',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^queue_depth \(gauge\), step 1m00s/);
    const at = (minute: number) => new Date(STEP_START + minute * MINUTE).toISOString().replace('.000Z', 'Z');
    const rows = result.out.split('\n').filter((line) => /^\d{4}-/.test(line));
    expect(rows.map((line) => line.split(/\s+/))).toEqual([
      [at(0), '5'],
      [at(1), '7'],
      [at(3), '11'],
    ]);
  });

  it('answers bad options and failures in JSON on stdout when --json is given', async () => {
    const usage = await pgtel(['traces', '--json', '--nope']);
    expect(usage.code).toBe(2);
    expect(usage.err).toBe('');
    expect(JSON.parse(usage.out).error.code).toBe('PGTEL_INVALID');
    const missing = await pgtel(['trace', 'ffffffffffffffffffffffffffffffff', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.out).error.code).toBe('PGTEL_NOT_FOUND');
  });

  it('counts in the singular: 1 error', async () => {
    const result = await pgtel(['trace', TRACE_ID]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/2 spans, 1 error {2}/);
  });

  it('reports real row counts in status, not estimates of never-analysed tables', async () => {
    const status = JSON.parse((await pgtel(['status', '--json'])).out) as {
      tables: { name: string; estimatedRows: number }[];
    };
    const rows = Object.fromEntries(status.tables.map((t) => [t.name, t.estimatedRows]));
    expect(rows.spans).toBe(2);
    expect(rows.metrics).toBe(3);
    expect(rows.metric_series).toBe(1);
  });

  it('in a folder without a database and no server: says how to point pgtel at one, exit 1, creates nothing', async () => {
    const nowhere: NodeJS.ProcessEnv = {
      PGTEL_DATA_DIR: join(empty, '.pgtel', 'data'),
      PGTEL_PORT: String(await closedPort()),
      NO_COLOR: '1',
    };
    for (const args of [['traces'], ['status'], ['query', 'select 1'], ['metrics'], ['logs']]) {
      const result = await pgtel(args, nowhere);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err).toMatch(/No pgtel database here: .* does not exist and no pgtel serve answers at/);
      expect(result.err).toMatch(/--url \(or PGTEL_URL\).*DATABASE_URL/);
    }
    const json = await pgtel(['traces', '--json'], nowhere);
    expect(JSON.parse(json.out).error.code).toBe('PGTEL_CONFIG');
    const doctor = await pgtel(['doctor', '--json'], nowhere);
    expect(doctor.code).toBe(3);
    expect(readdirSync(empty)).toEqual([]);
    expect(existsSync(join(empty, '.pgtel'))).toBe(false);
  });
});
