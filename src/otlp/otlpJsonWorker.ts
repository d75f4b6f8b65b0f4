/*
 * Worker thread entry: parses OTLP/JSON bodies off the event loop of `pgtel serve` and answers with
 * their protobuf encoding (transferred, not copied). See transcodeOtlpJson.ts.
 */
import { parentPort } from 'node:worker_threads';
import { OtlpDecodeError } from './OtlpDecodeError.js';
import { type OtlpSignal, otlpJsonToProtobuf } from './otlpJsonToProtobuf.js';

/** A request to the worker. */
export interface OtlpJsonJob {
  signal: OtlpSignal;
  payload: Uint8Array;
  maxDepth: number;
}

/** The worker's answer: protobuf bytes, or the decode error to report. */
export type OtlpJsonResult =
  | { ok: true; protobuf: Uint8Array }
  | { ok: false; status: 400 | 413 | 415 | 500; message: string };

parentPort?.on('message', (job: OtlpJsonJob) => {
  let result: OtlpJsonResult;
  try {
    const encoded = otlpJsonToProtobuf(job.signal, job.payload, job.maxDepth);
    // finish() may return a view on a larger pooled buffer: copy into one of its own to transfer it.
    const protobuf = new Uint8Array(encoded);
    parentPort!.postMessage({ ok: true, protobuf } satisfies OtlpJsonResult, [protobuf.buffer]);
    return;
  } catch (error) {
    result =
      error instanceof OtlpDecodeError
        ? { ok: false, status: error.httpStatus, message: error.message }
        : { ok: false, status: 500, message: (error as Error).message };
  }
  parentPort!.postMessage(result);
});
