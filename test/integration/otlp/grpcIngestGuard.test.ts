// The OTLP/gRPC Export services under the same guard as OTLP/HTTP, on real sinks and a real
// database: the item cap, the shared memory budget, and the deadline over a blocked write.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/clock.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { OverloadedError, UnavailableError } from '../../../src/errors.js';
import { grpcErrorOf } from '../../../src/grpc/grpcErrorOf.js';
import { otlpGrpcServices } from '../../../src/grpc/otlpGrpcServices.js';
import { createOtlpSinks } from '../../../src/http/otlpSinks.js';
import { IngestBudget } from '../../../src/otlp/IngestBudget.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { minimalSpansRequest } from '../../helpers/otlpPayloads.js';
import { onRealServer, testDatabaseUrl, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

function traceService(guard: Parameters<typeof otlpGrpcServices>[2]) {
  return otlpGrpcServices(createOtlpSinks(ctx.db, systemClock), 16 * 1024 * 1024, guard)[0]!;
}

describe('OTLP/gRPC Export guard', () => {
  it('stores a request within the limits', async () => {
    const traceId = randomBytes(16).toString('hex');
    await traceService({ maxItems: 10 }).export(minimalSpansRequest(10, traceId));
    const { rows } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${ctx.db.table('spans')} WHERE trace_id = $1`,
      [traceId],
    );
    expect(rows[0]!.n).toBe(10);
  });

  it('refuses more items than the cap: RESOURCE_EXHAUSTED without RetryInfo', async () => {
    const error = await traceService({ maxItems: 10 })
      .export(minimalSpansRequest(11))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(grpcErrorOf(error)).toMatchObject({ code: 8 }); // RESOURCE_EXHAUSTED
    expect(grpcErrorOf(error).retryDelayMs).toBeUndefined();
  });

  it('refuses while the shared budget is held: RESOURCE_EXHAUSTED with RetryInfo', async () => {
    const budget = new IngestBudget(1024 * 1024);
    const other = budget.open();
    other.grow(1000 * 1024);
    const error = await traceService({ budget })
      .export(minimalSpansRequest(1000))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(grpcErrorOf(error)).toMatchObject({ code: 8, retryDelayMs: 5000 });
    other.release();
    expect(budget.inUseBytes).toBe(0);
  });

  it.skipIf(!onRealServer)('answers UNAVAILABLE at the deadline when a lock blocks the write', async () => {
    const other = await openDatabase({ databaseUrl: testDatabaseUrl, schema: ctx.db.schema });
    try {
      let unlock!: () => void;
      const locked = new Promise<void>((resolve) => {
        unlock = resolve;
      });
      let taken!: () => void;
      const lockTaken = new Promise<void>((resolve) => {
        taken = resolve;
      });
      const holder = other.transaction(async (tx) => {
        await tx.exec(`LOCK TABLE ${tx.table('spans')} IN ACCESS EXCLUSIVE MODE`);
        taken();
        await locked;
      });
      await lockTaken;
      const started = performance.now();
      const error = await traceService({ deadlineMs: 800 })
        .export(minimalSpansRequest(5))
        .catch((e: unknown) => e);
      expect(performance.now() - started).toBeLessThan(2500);
      expect(error).toBeInstanceOf(UnavailableError);
      expect(grpcErrorOf(error)).toMatchObject({ code: 14, retryDelayMs: 5000 }); // UNAVAILABLE
      unlock();
      await holder;
    } finally {
      await other.close();
    }
  });
});
