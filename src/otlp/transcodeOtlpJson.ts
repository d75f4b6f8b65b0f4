import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { type OtlpSignal, otlpJsonToProtobuf } from './otlpJsonToProtobuf.js';
import type { OtlpJsonJob, OtlpJsonResult } from './otlpJsonWorker.js';

/**
 * Bodies up to this size are parsed on the calling thread: a few milliseconds of work, cheaper than
 * starting a worker. Larger ones go to a worker thread so the event loop never waits on JSON.parse.
 */
export const INLINE_JSON_BYTES = 256 * 1024;

/** Heap of one JSON worker: a body whose parsed form needs more is refused (413), the process lives on. */
const WORKER_HEAP_MB = 512;

// The compiled worker sits next to this file; when running from TypeScript sources (tests) it does
// not exist, and every body is parsed inline.
const workerFile = fileURLToPath(new URL('./otlpJsonWorker.js', import.meta.url));
const workerAvailable = existsSync(workerFile);

function inWorker(job: OtlpJsonJob, transfer: boolean): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerFile, { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB } });
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.once('message', (result: OtlpJsonResult) =>
      settle(() =>
        result.ok
          ? resolve(result.protobuf)
          : reject(
              result.status === 500
                ? new Error(`OTLP/JSON worker failed: ${result.message}`)
                : new OtlpDecodeError(result.status, result.message),
            ),
      ),
    );
    worker.once('error', (error: NodeJS.ErrnoException) =>
      settle(() =>
        reject(
          error.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? new OtlpDecodeError(413, 'OTLP/JSON body is too large to decode; send smaller batches')
            : error,
        ),
      ),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`OTLP/JSON worker exited with ${code}`))));
    // The payload's memory moves to the worker (no copy) when the caller gave it up and it owns its
    // whole buffer.
    const own = job.payload.byteOffset === 0 && job.payload.byteLength === job.payload.buffer.byteLength;
    const payload = transfer && own ? job.payload : new Uint8Array(job.payload);
    worker.postMessage({ ...job, payload }, [payload.buffer as ArrayBuffer]);
  });
}

/**
 * The protobuf encoding of an OTLP/JSON body (see {@link otlpJsonToProtobuf}), computed on a worker
 * thread for bodies over {@link INLINE_JSON_BYTES}: parsing 15 MB of JSON takes the event loop
 * hundreds of milliseconds, the worker none. With `transfer`, the payload's buffer may move to the
 * worker (and be emptied here) instead of being copied.
 *
 * @throws OtlpDecodeError 400 (invalid, too deep), 413 (too large to parse)
 */
export function transcodeOtlpJson(
  signal: OtlpSignal,
  payload: Uint8Array,
  maxDepth: number,
  transfer = false,
): Promise<Uint8Array> {
  if (!workerAvailable || payload.byteLength <= INLINE_JSON_BYTES) {
    return Promise.resolve().then(() => otlpJsonToProtobuf(signal, payload, maxDepth));
  }
  return inWorker({ signal, payload, maxDepth }, transfer);
}
