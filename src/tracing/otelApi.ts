import type * as OtelApi from '@opentelemetry/api';

/**
 * `@opentelemetry/api` when it is installed, otherwise undefined: it is an optional peer dependency,
 * and without it pgtel's tracing degrades to no-op spans that still carry valid ids.
 */
export const otelApi: typeof OtelApi | undefined = await import('@opentelemetry/api').catch(() => undefined);
