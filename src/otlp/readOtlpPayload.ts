import { createGunzip, type Gunzip } from 'node:zlib';
import type { IngestReservation } from './IngestBudget.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';

/** Limits of one streamed OTLP body. */
export interface PayloadLimits {
  /** Largest body as received (compressed), in bytes; beyond, a 413 with `bodyTooLarge`. */
  maxWireBytes: number;
  /** Largest payload after decompression, in bytes; beyond, a 413. */
  maxPayloadBytes: number;
  /** Decompressed bytes are reserved here as they arrive; a spent budget is a 429 (OverloadedError). */
  reservation?: IngestReservation;
  /** The error for a body over `maxWireBytes` (the server's 413 for any route). */
  bodyTooLarge: (limit: number) => Error;
  /** Stops reading (throwing the abort reason) when it aborts: a slow upload holds nothing past it. */
  signal?: AbortSignal;
  /** Sees each decompressed chunk before it is kept and may refuse it by throwing (an item count). */
  inspect?: (chunk: Uint8Array) => void;
}

// Past the wire limit, up to this many times the limit is read and discarded so a client still
// uploading can read the 413; beyond it the stream is cancelled (the connection is cut).
const DISCARD_FACTOR = 4;

/** Collects output chunks, enforcing the payload limit and the budget before keeping each one. */
class PayloadSink {
  readonly chunks: Buffer[] = [];
  size = 0;

  constructor(private readonly limits: PayloadLimits) {}

  add(chunk: Buffer): void {
    if (this.size + chunk.length > this.limits.maxPayloadBytes) {
      throw new OtlpDecodeError(
        413,
        `decompressed body exceeds the limit of ${this.limits.maxPayloadBytes} bytes`,
      );
    }
    this.limits.inspect?.(chunk);
    this.limits.reservation?.grow(chunk.length);
    this.size += chunk.length;
    this.chunks.push(chunk);
  }

  payload(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }
}

function inflater(encoding: string): Gunzip | undefined {
  const name = encoding.trim().toLowerCase();
  if (name === '' || name === 'identity') return undefined;
  if (name === 'gzip' || name === 'x-gzip') return createGunzip({ chunkSize: 64 * 1024 });
  throw new OtlpDecodeError(
    415,
    `unsupported content encoding ${JSON.stringify(encoding)}: use gzip or none`,
  );
}

/** Feeds a gzip stream, waiting when it is full, and gathers its output into `sink`. */
class GzipFeed {
  private failure: unknown;
  private readonly done: Promise<void>;

  constructor(
    private readonly gunzip: Gunzip,
    sink: PayloadSink,
  ) {
    gunzip.on('data', (chunk: Buffer) => {
      try {
        sink.add(chunk);
      } catch (error) {
        this.fail(error);
      }
    });
    this.done = new Promise((resolve) => {
      gunzip.once('end', resolve);
      gunzip.once('close', resolve);
    });
    gunzip.on('error', (error) =>
      this.fail(new OtlpDecodeError(400, `invalid gzip body: ${error.message}`, { cause: error })),
    );
  }

  /** The first thing that went wrong: a limit, the budget or bad gzip. */
  get error(): unknown {
    return this.failure;
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    this.gunzip.destroy();
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure !== undefined || this.gunzip.write(chunk)) return;
    await new Promise<void>((resolve) => {
      const go = () => {
        this.gunzip.off('drain', go);
        this.gunzip.off('close', go);
        resolve();
      };
      this.gunzip.on('drain', go);
      this.gunzip.on('close', go);
    });
  }

  async end(): Promise<void> {
    if (this.failure === undefined) this.gunzip.end();
    await this.done;
  }
}

/**
 * Reads an OTLP/HTTP request body as it streams in, decompressing gzip on the way (node:zlib, off
 * the event loop), and stops as soon as the body passes `maxWireBytes`, the payload passes
 * `maxPayloadBytes` or the shared budget is spent: a gzip bomb costs at most the payload limit, and
 * never more than the budget allows. The bytes kept stay reserved until the caller releases them.
 *
 * @throws OtlpDecodeError 400 (bad gzip), 413 (payload too large), 415 (unsupported encoding);
 *   `bodyTooLarge(maxWireBytes)` for a body too large as received; OverloadedError (429) when the
 *   budget is spent
 */
export async function readOtlpPayload(
  body: ReadableStream<Uint8Array> | null,
  contentEncoding: string | undefined,
  limits: PayloadLimits,
): Promise<Buffer> {
  const gunzip = inflater(contentEncoding ?? '');
  const sink = new PayloadSink(limits);
  if (!body) return sink.payload();
  const feed = gunzip ? new GzipFeed(gunzip, sink) : undefined;
  const reader = body.getReader();
  const stop = () => void reader.cancel().catch(() => {});
  limits.signal?.addEventListener('abort', stop, { once: true });
  let wire = 0;
  try {
    for (;;) {
      limits.signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      wire += value.byteLength;
      if (wire > limits.maxWireBytes) {
        if (wire > limits.maxWireBytes * DISCARD_FACTOR) break;
        continue; // read and discard, so the client gets to read the 413
      }
      if (feed) {
        await feed.write(value);
        if (feed.error !== undefined) throw feed.error;
      } else sink.add(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
    }
    limits.signal?.throwIfAborted();
    if (wire > limits.maxWireBytes) throw limits.bodyTooLarge(limits.maxWireBytes);
    if (feed) {
      await feed.end();
      if (feed.error !== undefined) throw feed.error;
    }
    return sink.payload();
  } catch (error) {
    gunzip?.destroy();
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    limits.signal?.removeEventListener('abort', stop);
  }
}
