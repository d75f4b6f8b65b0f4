import { describe, expect, it } from 'vitest';
import type { PgtelServer } from '../../../src/serve/PgtelServer.js';
import { postRemoteWrite, remoteWriteBody } from '../../helpers/remoteWrite.js';
import { useTestServer } from '../../helpers/testServer.js';

// Remote write under the OTLP endpoints' ingest guard: a request that outlives the ingest deadline
// answers 503 with Retry-After, one that finds the memory budget held by others 429 with Retry-After,
// one bigger than the whole budget 413; the retries are stored, once.
const ctx = useTestServer({ ingestDeadlineMs: 3_000, ingestMemoryBytes: 1_048_576, spoolMaxBytes: 0 });

/** Holds `prometheus_metadata` locked (on PGlite: the one connection) until the returned release. */
async function lockMetadata(server: PgtelServer): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const done = server.db.transaction(async (tx) => {
    await tx.exec(`LOCK TABLE ${tx.table('prometheus_metadata')} IN ACCESS EXCLUSIVE MODE`);
    locked();
    await held;
  });
  await isLocked;
  return async () => {
    release();
    await done;
  };
}

const at = Date.now() - 1000;
const body = (name: string, pad = 0) =>
  remoteWriteBody(
    [
      {
        labels: [
          ['__name__', name],
          ['pad', 'x'.repeat(pad)],
        ],
        samples: [{ value: 1, timestampMs: at }],
      },
    ],
    [{ type: 2, family: name, help: 'A gauge.' }],
  );

async function storedSamples(name: string): Promise<number> {
  const { rows } = await ctx.server.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ${ctx.server.db.table('metrics')} WHERE metric_name = $1 AND metric_type = 'sample'`,
    [name],
  );
  return rows[0]!.n;
}

describe('remote write under the ingest guard', () => {
  it('answers 503 with Retry-After when storage outlives the deadline, 429 while the budget is held', async () => {
    const release = await lockMetadata(ctx.server);
    const slow = postRemoteWrite(ctx.server.url, body('guard_slow', 700_000));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const crowded = await postRemoteWrite(ctx.server.url, body('guard_crowded', 700_000));
    expect(crowded.status).toBe(429);
    expect(crowded.headers.get('retry-after')).toBe('2');
    const timedOut = await slow;
    expect(timedOut.status).toBe(503);
    expect(timedOut.headers.get('retry-after')).toBe('5');
    expect(await timedOut.text()).toMatch(/retry later/);
    await release();
    for (const name of ['guard_slow', 'guard_crowded']) {
      for (let attempt = 0; attempt < 2; attempt++) {
        const response = await postRemoteWrite(ctx.server.url, body(name, 700_000));
        expect(`${response.status} ${await response.text()}`).toBe('204 ');
      }
    }
    expect(await storedSamples('guard_slow')).toBe(1);
    expect(await storedSamples('guard_crowded')).toBe(1);
  });

  it('answers 413 for a body bigger than the whole memory budget', async () => {
    const response = await postRemoteWrite(ctx.server.url, body('guard_huge', 1_500_000));
    expect(response.status).toBe(413);
    expect(await storedSamples('guard_huge')).toBe(0);
  });
});
