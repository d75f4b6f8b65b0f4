import { readFileSync } from 'node:fs';
import { SpanKind, trace } from '@opentelemetry/api';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { TracingContext } from '../../../src/tracing/TracingContext.js';

const spans: ReadableSpan[] = [];
const provider = new BasicTracerProvider({
  spanProcessors: [
    {
      onStart: () => {},
      onEnd: (span) => spans.push(span),
      forceFlush: async () => {},
      shutdown: async () => {},
    },
  ],
});
trace.setGlobalTracerProvider(provider);
afterAll(() => trace.disable());

describe('TracingContext.run with a span kind', () => {
  it('starts a span of the given kind, INTERNAL by default, in the pgtel scope at the package version', async () => {
    await TracingContext.run(
      { name: 'GET /orders/:id', kind: 'server', attributes: { 'http.route': '/orders/:id' } },
      async () => {},
    );
    TracingContext.run({ name: 'call', kind: 'client' }, () => {});
    TracingContext.run('plain', { step: 1 }, () => {});
    TracingContext.run({ name: 'options without kind' }, () => {});
    expect(spans.map((s) => [s.name, s.kind])).toEqual([
      ['GET /orders/:id', SpanKind.SERVER],
      ['call', SpanKind.CLIENT],
      ['plain', SpanKind.INTERNAL],
      ['options without kind', SpanKind.INTERNAL],
    ]);
    expect(spans[0]!.attributes).toEqual({ 'http.route': '/orders/:id' });
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(spans[0]!.instrumentationScope).toMatchObject({ name: 'pgtel', version });
  });
});
