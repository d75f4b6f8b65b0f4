import type * as OtelApi from '@opentelemetry/api';

/**
 * `@opentelemetry/api` when it is installed, otherwise undefined: it is an optional peer dependency,
 * and without it pgtel's tracing degrades to no-op spans that still carry valid ids.
 */
export const otelApi: typeof OtelApi | undefined = await import('@opentelemetry/api').catch(() => undefined);

/** Whether a tracer provider is registered globally (spans are real, not the API's no-ops). */
export function tracerProviderRegistered(): boolean {
  if (!otelApi) return false;
  const global = otelApi.trace.getTracerProvider() as Partial<OtelApi.ProxyTracerProvider>;
  const noop = new otelApi.ProxyTracerProvider().getDelegate();
  return typeof global.getDelegate === 'function' ? global.getDelegate() !== noop : global !== noop;
}
