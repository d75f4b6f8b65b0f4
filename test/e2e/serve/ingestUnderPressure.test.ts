// pgtel serve as a process under hostile OTLP load: a gzip request of 1.2M spans, a plain request of
// 250k spans, a 15 MB JSON body nested deep in an unknown field and a normal request, all at once,
// while /livez is timed. Every probe answers fast, the normal request is stored, memory stays bounded.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { quoteIdent } from '../../../src/db/quoteIdent.js';
import { deeplyNestedJson, minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { type ServeProcess, spawnServe } from '../../helpers/serveProcess.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const folder = mkdtempSync(join(tmpdir(), 'pgtel-pressure-'));
const schema = uniqueSchema('pressure');
let serve: ServeProcess;

beforeAll(async () => {
  const env = onRealServer
    ? { DATABASE_URL: testDatabaseUrl, PGTEL_SCHEMA: schema, PGTEL_JOB_INTERVAL_MS: '3600000' }
    : { DATABASE_URL: '', PGTEL_DATA_DIR: join(folder, 'data'), PGTEL_JOB_INTERVAL_MS: '3600000' };
  serve = await spawnServe([], env, 90_000);
}, 100_000);

afterAll(async () => {
  serve?.child.kill('SIGTERM');
  await serve?.exited;
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

/** Resident memory of the server process now (VmRSS) and at its peak so far (VmHWM), in MB. */
function rssMb(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function post(
  body: Uint8Array,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  const response = await fetch(`${serve.url}/v1/traces`, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** Times /livez back to back (20 ms apart) until `until` settles. */
async function probeWhile(until: Promise<unknown>): Promise<number[]> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  const times: number[] = [];
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${serve.url}/livez`);
    await response.arrayBuffer();
    expect(response.status).toBe(200);
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return times;
}

describe('OTLP ingest under hostile load', () => {
  it('keeps /livez fast, refuses what it must with clear answers, stores the normal request', async () => {
    const protobuf = { 'content-type': 'application/x-protobuf' };
    const bomb = gzipSync(minimalSpansRequest(1_200_000));
    const many = minimalSpansRequest(250_000);
    const deep = deeplyNestedJson(5_000, 15 * 1024 * 1024);
    const traceId = randomBytes(16).toString('hex');
    const normal = minimalSpansRequest(5, traceId);

    const before = rssMb(serve.child.pid!);
    const requests = Promise.all([
      post(bomb, { ...protobuf, 'content-encoding': 'gzip' }),
      post(many, protobuf),
      post(deep, { 'content-type': 'application/json' }),
      post(normal, protobuf),
    ]);
    const probes = await probeWhile(requests);
    const [bombAnswer, manyAnswer, deepAnswer, normalAnswer] = await requests;

    expect(bombAnswer.status).toBe(413);
    expect(bombAnswer.text).toContain('more than 100000 spans');
    expect(manyAnswer.status).toBe(413);
    expect(manyAnswer.text).toContain('more than 100000 spans');
    expect(deepAnswer.status).toBe(400);
    expect(deepAnswer.text).toContain('deeper than 64 levels');
    expect(normalAnswer.status).toBe(200);

    expect(probes.length).toBeGreaterThan(0);
    expect(Math.max(...probes)).toBeLessThan(1000);
    // The load adds at most 512 MB to what the process held (the embedded database's start-up peak
    // may be higher than anything the load causes).
    expect(rssMb(serve.child.pid!).peak).toBeLessThanOrEqual(Math.max(before.peak, before.now + 512));

    const stored = (await (await fetch(`${serve.url}/api/traces/${traceId}`)).json()) as {
      spans: unknown[];
    };
    expect(stored.spans).toHaveLength(5);
  }, 120_000);

  it('parses a large OTLP/JSON body off the event loop and stores it, invalid spans still rejected', async () => {
    const traceId = randomBytes(16).toString('hex');
    const now = BigInt(Date.now()) * 1_000_000n; // spans older than the retention are refused
    const spans = Array.from({ length: 3000 }, (_, i) => ({
      traceId,
      spanId: i === 0 ? 'not-hex' : (i + 1).toString(16).padStart(16, '0'),
      name: `step ${i}`,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 1_000_000n),
      attributes: [{ key: 'payload', value: { stringValue: 'x'.repeat(100) } }],
    }));
    const body = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] }));
    expect(body.length).toBeGreaterThan(256 * 1024); // over the inline limit: parsed on a worker
    const response = await fetch(`${serve.url}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as { partialSuccess?: { rejectedSpans?: string | number } };
    expect(Number(answer.partialSuccess?.rejectedSpans)).toBe(1);
    const stored = (await (await fetch(`${serve.url}/api/traces/${traceId}`)).json()) as { spans: unknown[] };
    expect(stored.spans).toHaveLength(2999);
  }, 60_000);
});
