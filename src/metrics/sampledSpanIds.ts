import { otelApi } from '../tracing/otelApi.js';
import type { SpanIds } from './ExemplarReservoir.js';

const SAMPLED = otelApi?.TraceFlags.SAMPLED ?? 1;

/**
 * The ids of the active OpenTelemetry span when it is recorded (sampled), else undefined: an
 * unsampled span is never stored, so its ids would lead nowhere. Undefined without `@opentelemetry/api`.
 */
export function sampledSpanIds(): SpanIds | undefined {
  const context = otelApi?.trace.getActiveSpan()?.spanContext();
  return context !== undefined && (context.traceFlags & SAMPLED) !== 0 ? context : undefined;
}
