import { activeFallbackFrame } from './fallbackContext.js';
import { isValidTraceId } from './ids.js';
import { otelApi } from './otelApi.js';

/** The trace and span ids of the active span. */
export interface SpanIds {
  traceId: string;
  spanId: string;
}

/**
 * Trace and span id of the span active in this async context (an OpenTelemetry span, or pgtel's
 * id-only span when OpenTelemetry is absent or disabled), or undefined when there is none.
 */
export function activeSpanContext(): SpanIds | undefined {
  const context = otelApi?.trace.getActiveSpan()?.spanContext();
  if (context && isValidTraceId(context.traceId)) return { traceId: context.traceId, spanId: context.spanId };
  const frame = activeFallbackFrame();
  return frame ? { traceId: frame.traceId, spanId: frame.spanId } : undefined;
}
