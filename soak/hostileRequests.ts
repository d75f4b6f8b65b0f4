import { gzipSync } from 'node:zlib';
import { otlpTypes } from '../src/otlp/protoRoot.js';

/** What each hostile request should get: refused as the client's fault, never a 5xx or a crash. */
const EXPECTED: Record<string, number[]> = {
  'gzip bomb (80 MiB of zeros)': [413, 429],
  '150,000 spans in one request': [413, 429],
  'JSON nested 100,000 deep': [400, 413, 429],
};

function bodies(): Record<string, { body: Uint8Array; type: string; encoding?: string }> {
  const span = { traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), name: 'x' };
  const many = otlpTypes.ExportTraceServiceRequest.encode(
    otlpTypes.ExportTraceServiceRequest.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: Array.from({ length: 150_000 }, () => span) }] }],
    }),
  ).finish();
  const depth = 100_000;
  return {
    'gzip bomb (80 MiB of zeros)': {
      body: gzipSync(Buffer.alloc(80 * 1024 * 1024)),
      type: 'application/x-protobuf',
      encoding: 'gzip',
    },
    '150,000 spans in one request': { body: many, type: 'application/x-protobuf' },
    'JSON nested 100,000 deep': {
      body: Buffer.from(`{"resourceSpans":[{"x":${'['.repeat(depth)}${']'.repeat(depth)}}]}`),
      type: 'application/json',
    },
  };
}

/**
 * Sends hostile OTLP requests to one `pgtel serve` at once while timing its liveness probe: each must
 * be refused with a client error, and `/livez` must keep answering within a second. Returns what
 * happened; throws when any expectation fails. Loopback only, a bounded number of requests.
 */
export async function hostileRequests(url: string, token: string): Promise<string> {
  if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(url)) throw new Error('loopback URLs only');
  const requests = bodies();
  let sending = true;
  let slowestProbeMs = 0;
  const probing = (async () => {
    while (sending) {
      const started = performance.now();
      await (await fetch(`${url}/livez`)).arrayBuffer();
      slowestProbeMs = Math.max(slowestProbeMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  const answers = await Promise.all(
    Object.entries(requests).map(async ([name, { body, type, encoding }]) => {
      const response = await fetch(`${url}/v1/traces`, {
        method: 'POST',
        headers: {
          'content-type': type,
          authorization: `Bearer ${token}`,
          ...(encoding ? { 'content-encoding': encoding } : {}),
        },
        body,
      }).catch((error: Error) => ({ status: 0, arrayBuffer: async () => error.message }));
      await response.arrayBuffer();
      return [name, response.status] as const;
    }),
  );
  sending = false;
  await probing;
  const detail = `${answers.map(([name, status]) => `${name}: ${status}`).join('; ')}; slowest /livez ${Math.round(slowestProbeMs)} ms`;
  const wrong = answers.filter(([name, status]) => !EXPECTED[name]!.includes(status));
  if (wrong.length > 0 || slowestProbeMs >= 1_000) throw new Error(detail);
  return detail;
}
