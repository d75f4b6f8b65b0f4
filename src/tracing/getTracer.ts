import type { Tracer } from '@opentelemetry/api';
import { fallbackTracer } from './fallbackTracer.js';
import { otelApi } from './otelApi.js';

/**
 * An OpenTelemetry tracer from the global provider (the one `setupTracing` registers, or the
 * application's own). Without `@opentelemetry/api` installed, a tracer whose spans record nothing but
 * still carry valid ids.
 */
export function getTracer(name: string, version?: string): Tracer {
  return otelApi ? otelApi.trace.getTracer(name, version) : fallbackTracer;
}
