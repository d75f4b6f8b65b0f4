import { isValidTraceId } from './ids.js';
import { otelApi } from './otelApi.js';

export interface SpanIds {
  traceId: string;
  spanId: string;
}

/** Trace and span id of the span active in this async context, or undefined when there is none. */
export function activeSpanContext(): SpanIds | undefined {
  const context = otelApi?.trace.getActiveSpan()?.spanContext();
  if (!context || !isValidTraceId(context.traceId)) return undefined;
  return { traceId: context.traceId, spanId: context.spanId };
}
