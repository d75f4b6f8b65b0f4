import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { OverloadedError } from '../../../src/errors.js';
import { IngestBudget } from '../../../src/otlp/IngestBudget.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { readOtlpPayload } from '../../../src/otlp/readOtlpPayload.js';

/** A body streamed in chunks of `chunk` bytes, counting how many were pulled. */
function streamOf(
  bytes: Uint8Array,
  chunk = 16 * 1024,
): { body: ReadableStream<Uint8Array>; pulled: () => number } {
  let offset = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(offset, offset + chunk));
      offset += chunk;
    },
  });
  return { body, pulled: () => Math.min(offset, bytes.length) };
}

const limits = (overrides: object = {}) => ({
  maxWireBytes: 1024 * 1024,
  maxPayloadBytes: 4 * 1024 * 1024,
  bodyTooLarge: (limit: number) => new Error(`wire limit ${limit}`),
  ...overrides,
});

describe('readOtlpPayload', () => {
  it('returns the body as is, or gunzipped (several members too), reserving what it keeps', async () => {
    const data = Buffer.from('hello '.repeat(10_000));
    expect(await readOtlpPayload(streamOf(data).body, undefined, limits())).toEqual(data);
    const budget = new IngestBudget(1024 * 1024);
    const reservation = budget.open();
    const twoMembers = Buffer.concat([gzipSync(data.subarray(0, 100)), gzipSync(data.subarray(100))]);
    const payload = await readOtlpPayload(streamOf(twoMembers, 7).body, 'GZIP', limits({ reservation }));
    expect(payload).toEqual(data);
    expect(reservation.bytes).toBe(data.length);
    reservation.release();
    expect(budget.inUseBytes).toBe(0);
  });

  it('stops a gzip bomb at the payload limit without reading the rest of the upload', async () => {
    const bomb = gzipSync(Buffer.alloc(200 * 1024 * 1024));
    const { body, pulled } = streamOf(bomb, 1024);
    const error = await readOtlpPayload(body, 'gzip', limits({ maxPayloadBytes: 1024 * 1024 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as OtlpDecodeError).httpStatus).toBe(413);
    expect(pulled()).toBeLessThan(bomb.length);
  });

  it('refuses with a 429 (OverloadedError) when other requests hold the budget', async () => {
    const budget = new IngestBudget(1024 * 1024);
    budget.open().grow(1000 * 1024);
    const data = gzipSync(Buffer.alloc(200 * 1024, 1));
    const error = await readOtlpPayload(
      streamOf(data).body,
      'gzip',
      limits({ reservation: budget.open() }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OverloadedError);
    expect(budget.inUseBytes).toBe(1000 * 1024);
  });

  it('answers bad gzip with a 400 and an unknown encoding with a 415', async () => {
    const bad = await readOtlpPayload(streamOf(Buffer.from('not gzip at all')).body, 'gzip', limits()).catch(
      (e: unknown) => e as OtlpDecodeError,
    );
    expect(bad).toBeInstanceOf(OtlpDecodeError);
    expect((bad as OtlpDecodeError).httpStatus).toBe(400);
    const br = await readOtlpPayload(streamOf(Buffer.from('x')).body, 'br', limits()).catch(
      (e: unknown) => e as OtlpDecodeError,
    );
    expect((br as OtlpDecodeError).httpStatus).toBe(415);
  });

  it('reads past the wire limit (discarding) so the client sees the refusal', async () => {
    const error = await readOtlpPayload(
      streamOf(Buffer.alloc(2048)).body,
      undefined,
      limits({ maxWireBytes: 1024 }),
    ).catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe('wire limit 1024');
  });

  it('stops when the signal aborts, with its reason', async () => {
    const controller = new AbortController();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(10)); // then nothing more: a stalled upload
      },
    });
    const reading = readOtlpPayload(body, undefined, limits({ signal: controller.signal }));
    controller.abort(new Error('deadline'));
    await expect(reading).rejects.toThrow('deadline');
  });
});
