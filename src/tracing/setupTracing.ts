import type { AttributeValue, Tracer } from '@opentelemetry/api';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import { resolveOption } from '../config.js';
import type { DatabaseSession } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { packageVersion } from '../packageVersion.js';
import { SingleSetup } from '../SingleSetup.js';
import { type AutoInstrumentation, enableAutoInstrumentations } from './autoInstrumentations.js';
import { getTracer } from './getTracer.js';
import { otelApi, tracerProviderRegistered } from './otelApi.js';
import {
  PostgreSQLSpanProcessor,
  type PostgreSQLSpanProcessorOptions,
  type SpanExporterStats,
} from './PostgreSQLSpanProcessor.js';
import { sdkResource } from './sdkResource.js';

/** Options of `setupTracing`. */
export interface SetupTracingOptions {
  /** `service.name` of the spans. Default: `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`, then the SDK's `unknown_service:node`. */
  serviceName?: string;
  /** Where finished spans are stored. Default: none, spans are created (and propagated) but not stored. */
  db?: DatabaseSession;
  /** Extra resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`. Default: none. */
  resourceAttributes?: Record<string, AttributeValue>;
  /** Sampler. Default: from `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG`, else parent-based always-on. */
  sampler?: Sampler;
  /** OpenTelemetry Node instrumentations to switch on (default none). pgtel's own writes are never traced. */
  instrumentations?: readonly AutoInstrumentation[];
  /** Span pipeline settings (queue size, batch size, flush interval, retries...). Default: the processor's own defaults. */
  processor?: Omit<PostgreSQLSpanProcessorOptions, 'db' | 'serviceName' | 'logger'>;
  /** Turn tracing off; ids stay valid, nothing is stored. Default: option `tracingDisabled` (`OTEL_SDK_DISABLED=true`). */
  disabled?: boolean;
  /** Receives setup and export problems. Default: a logger at level warn on stderr. */
  logger?: Logger;
}

/** What `setupTracing` returns: the tracer, and control over the pipeline it set up. */
export interface Tracing {
  /** False when tracing is disabled or OpenTelemetry's SDK is not installed. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** pgtel's span processor in the provider `setupTracing` created; undefined without a database or when the application owns the provider. */
  readonly spanProcessor: PostgreSQLSpanProcessor | undefined;
  /** Span pipeline counters (all zero without a span processor). */
  stats(): SpanExporterStats;
  /** Resolves once every finished span is committed; rejects with the error of a batch that failed. */
  forceFlush(): Promise<void>;
  /** Flushes, then undoes the setup (provider, instrumentations), so `setupTracing` may run again. */
  shutdown(): Promise<void>;
}

const single = new SingleSetup<Tracing>('tracing');

const EMPTY_STATS: SpanExporterStats = {
  queued: 0,
  exported: 0,
  dropped: 0,
  rejected: 0,
  failed: 0,
  retries: 0,
  lastError: undefined,
};

function disabledTracing(): Tracing {
  return {
    enabled: false,
    tracer: getTracer('pgtel', packageVersion()),
    spanProcessor: undefined,
    stats: () => ({ ...EMPTY_STATS }),
    forceFlush: async () => {},
    shutdown: async () => {
      single.clear();
    },
  };
}

async function create(options: SetupTracingOptions, logger: Logger): Promise<Tracing> {
  const api = otelApi;
  const disabled = resolveOption('tracingDisabled', { tracingDisabled: options.disabled });
  if (disabled || !api) return disabledTracing();
  let sdk: [typeof import('@opentelemetry/sdk-trace-node'), typeof import('@opentelemetry/resources')];
  try {
    sdk = await Promise.all([import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/resources')]);
  } catch (error) {
    logger.warn('tracing disabled: install @opentelemetry/sdk-trace-node 2.x to record spans', { error });
    return disabledTracing();
  }
  const [{ NodeTracerProvider }, resources] = sdk;
  const { resource, serviceName } = sdkResource(resources, options.serviceName, options.resourceAttributes);

  const existing = tracerProviderRegistered() ? api.trace.getTracerProvider() : undefined;
  if (existing && options.db) {
    // SDK 2 providers take their processors in the constructor only: the application adds pgtel's.
    logger.warn(
      'a tracer provider is already registered, so setupTracing stores no spans: pass ' +
        'new PostgreSQLSpanProcessor({ db }) in its spanProcessors',
    );
  }
  const processor =
    options.db && !existing
      ? new PostgreSQLSpanProcessor({ ...options.processor, db: options.db, serviceName, logger })
      : undefined;
  const ownProvider = existing
    ? undefined
    : new NodeTracerProvider({
        resource,
        ...(options.sampler ? { sampler: options.sampler } : {}),
        spanProcessors: processor ? [processor] : [],
      });
  const provider = ownProvider ?? existing!;
  // Instrumentations first: if one is unknown or missing, nothing global has been changed yet.
  const disableInstrumentations = options.instrumentations?.length
    ? await enableAutoInstrumentations(options.instrumentations, provider)
    : undefined;
  ownProvider?.register();

  return {
    enabled: true,
    tracer: provider.getTracer('pgtel', packageVersion()),
    spanProcessor: processor,
    stats: () => processor?.stats() ?? { ...EMPTY_STATS },
    forceFlush: async () => {
      await processor?.forceFlush();
    },
    shutdown: async () => {
      disableInstrumentations?.();
      try {
        if (ownProvider) {
          await ownProvider.shutdown();
          api.trace.disable();
          api.context.disable();
          api.propagation.disable();
        }
      } finally {
        single.clear();
      }
    },
  };
}

/**
 * Sets up OpenTelemetry tracing whose finished spans are stored in PostgreSQL: a Node tracer
 * provider (resource from the options, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`; sampler
 * from `OTEL_TRACES_SAMPLER`), W3C propagation, AsyncLocalStorage context, a
 * `PostgreSQLSpanProcessor` in the provider's constructor, and optionally auto-instrumentation. If
 * the application registered its own provider, pgtel uses it as it is (the application puts a
 * `PostgreSQLSpanProcessor` in its `spanProcessors` to store spans). Calling it again returns the same setup
 * (a warning says so when the options differ); call `shutdown()` first to change them.
 */
export function setupTracing(options: SetupTracingOptions = {}): Promise<Tracing> {
  const logger = options.logger ?? createLogger('warn');
  return single.run(options, logger, () => create(options, logger));
}
