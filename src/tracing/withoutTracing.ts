import { otelApi } from './otelApi.js';

const core = await import('@opentelemetry/core').catch(() => undefined);

/**
 * Runs `fn` with tracing suppressed, so pgtel's own database writes (through an instrumented `pg`)
 * never produce spans about storing spans. Without OpenTelemetry installed it just runs `fn`.
 */
export function withoutTracing<T>(fn: () => T): T {
  if (!otelApi || !core) return fn();
  return otelApi.context.with(core.suppressTracing(otelApi.context.active()), fn);
}
