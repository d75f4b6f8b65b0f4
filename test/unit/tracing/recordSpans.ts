import type { Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Finished spans made by the real OpenTelemetry SDK, collected in memory (no timers, no export). */
export function recordSpans(
  body: (tracer: Tracer) => void,
  options: { service?: string; attributeCountLimit?: number } = {},
): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const collector: SpanProcessor = {
    onStart: () => {},
    onEnd: (span) => spans.push(span),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(options.service ? { 'service.name': options.service } : {}),
    spanProcessors: [collector],
    spanLimits: { attributeCountLimit: options.attributeCountLimit ?? 128 },
  });
  body(provider.getTracer('unit-scope', '1.2.3'));
  return spans;
}

/** `count` finished spans of one service, each with a few attributes. */
export function someSpans(count: number, service = 'svc'): ReadableSpan[] {
  return recordSpans(
    (tracer) => {
      for (let i = 0; i < count; i++) tracer.startSpan(`op-${i % 3}`, { attributes: { i } }).end();
    },
    { service },
  );
}
