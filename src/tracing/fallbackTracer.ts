import type { Span, SpanContext, Tracer } from '@opentelemetry/api';
import { randomSpanId, randomTraceId } from './ids.js';

/** A span that records nothing but carries valid ids (OpenTelemetry's API is not installed). */
function fallbackSpan(): Span {
  const context: SpanContext = { traceId: randomTraceId(), spanId: randomSpanId(), traceFlags: 0 };
  const span: Span = {
    spanContext: () => context,
    setAttribute: () => span,
    setAttributes: () => span,
    addEvent: () => span,
    addLink: () => span,
    addLinks: () => span,
    setStatus: () => span,
    updateName: () => span,
    end: () => {},
    isRecording: () => false,
    recordException: () => {},
  };
  return span;
}

/** The tracer `getTracer` returns without `@opentelemetry/api`: spans with valid ids, nothing recorded. */
export const fallbackTracer: Tracer = {
  startSpan: () => fallbackSpan(),
  startActiveSpan: ((...args: unknown[]) =>
    (args.at(-1) as (span: Span) => unknown)(fallbackSpan())) as Tracer['startActiveSpan'],
};
