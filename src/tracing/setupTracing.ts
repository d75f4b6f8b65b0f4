import type { AttributeValue, Tracer, TracerProvider } from '@opentelemetry/api';
import type { BufferConfig, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { DatabaseSession } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { type AutoInstrumentation, enableAutoInstrumentations } from './autoInstrumentations.js';
import { getTracer } from './getTracer.js';
import { otelApi, tracerProviderRegistered } from './otelApi.js';
import {
  PostgreSQLSpanExporter,
  type PostgreSQLSpanExporterOptions,
  type SpanExporterStats,
} from './PostgreSQLSpanExporter.js';

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
  /** Exporter settings (queue size, batch size, retry...). Default: the exporter's own defaults. */
  exporter?: Omit<PostgreSQLSpanExporterOptions, 'db' | 'serviceName' | 'logger'>;
  /** Batch span processor settings (default: export every 500 ms or 512 spans, queue 2,048). */
  batch?: BufferConfig;
  /** Turn tracing off (default: `OTEL_SDK_DISABLED=true`); ids stay valid, nothing is stored. */
  disabled?: boolean;
  /** Receives setup and export problems. Default: a logger at level warn on stderr. */
  logger?: Logger;
}

/** What `setupTracing` returns: the tracer, and control over the pipeline it set up. */
export interface Tracing {
  /** False when tracing is disabled or OpenTelemetry's SDK is not installed. */
  readonly enabled: boolean;
  readonly tracer: Tracer;
  /** pgtel's span processor, to add by hand to a provider pgtel could not extend. */
  readonly spanProcessor: SpanProcessor | undefined;
  readonly exporter: PostgreSQLSpanExporter | undefined;
  /** Exporter counters (all zero without a database). */
  stats(): SpanExporterStats;
  /** Writes every finished span now. */
  forceFlush(): Promise<void>;
  /** Flushes, then undoes the setup (provider, instrumentations), so `setupTracing` may run again. */
  shutdown(): Promise<void>;
}

let current: Promise<Tracing> | undefined;

const EMPTY_STATS: SpanExporterStats = {
  queued: 0,
  exported: 0,
  dropped: 0,
  rejected: 0,
  retries: 0,
  lastError: undefined,
};

function disabledTracing(): Tracing {
  return {
    enabled: false,
    tracer: getTracer('pgtel'),
    spanProcessor: undefined,
    exporter: undefined,
    stats: () => ({ ...EMPTY_STATS }),
    forceFlush: async () => {},
    shutdown: async () => {
      current = undefined;
    },
  };
}

/** Adds `processor` to an SDK 2.x provider the application registered (SDK 2 has no public API for it). */
function addToProvider(provider: TracerProvider, processor: SpanProcessor): (() => void) | undefined {
  const delegate = (provider as { getDelegate?: () => unknown }).getDelegate?.() ?? provider;
  const processors = (delegate as { _activeSpanProcessor?: { _spanProcessors?: SpanProcessor[] } })
    ._activeSpanProcessor?._spanProcessors;
  if (!Array.isArray(processors)) return undefined;
  processors.push(processor);
  return () => {
    const index = processors.indexOf(processor);
    if (index >= 0) processors.splice(index, 1);
  };
}

async function create(options: SetupTracingOptions, logger: Logger): Promise<Tracing> {
  const api = otelApi;
  const disabled = options.disabled ?? /^\s*true\s*$/i.test(process.env.OTEL_SDK_DISABLED ?? '');
  if (disabled || !api) return disabledTracing();
  let sdk: [
    typeof import('@opentelemetry/sdk-trace-node'),
    typeof import('@opentelemetry/sdk-trace-base'),
    typeof import('@opentelemetry/resources'),
  ];
  try {
    sdk = await Promise.all([
      import('@opentelemetry/sdk-trace-node'),
      import('@opentelemetry/sdk-trace-base'),
      import('@opentelemetry/resources'),
    ]);
  } catch (error) {
    logger.warn('tracing disabled: install @opentelemetry/sdk-trace-node 2.x to record spans', { error });
    return disabledTracing();
  }
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, resources] = sdk;
  const resource = resources
    .defaultResource()
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(
      resources.resourceFromAttributes({
        ...options.resourceAttributes,
        ...(options.serviceName ? { 'service.name': options.serviceName } : {}),
      }),
    );
  const serviceName = String(resource.attributes['service.name'] ?? 'unknown_service');
  const exporter = options.db
    ? new PostgreSQLSpanExporter({ ...options.exporter, db: options.db, serviceName, logger })
    : undefined;
  const processor = exporter
    ? new BatchSpanProcessor(exporter, { scheduledDelayMillis: 500, ...options.batch })
    : undefined;

  const existing = tracerProviderRegistered() ? api.trace.getTracerProvider() : undefined;
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
  let detach: (() => void) | undefined;
  if (ownProvider) {
    ownProvider.register();
  } else if (processor) {
    // The application runs its own SDK: only add pgtel's exporter to it.
    detach = addToProvider(provider, processor);
    if (!detach) {
      logger.warn(
        "cannot add pgtel's span processor to the registered provider; add tracing.spanProcessor to it",
      );
    }
  }

  const forceFlush = async () => {
    await processor?.forceFlush();
    await exporter?.forceFlush();
  };
  return {
    enabled: true,
    tracer: provider.getTracer('pgtel'),
    spanProcessor: processor,
    exporter,
    stats: () => exporter?.stats() ?? { ...EMPTY_STATS },
    forceFlush,
    shutdown: async () => {
      disableInstrumentations?.();
      detach?.();
      try {
        if (ownProvider) {
          await ownProvider.shutdown();
          api.trace.disable();
          api.context.disable();
          api.propagation.disable();
        } else {
          await processor?.shutdown();
        }
      } finally {
        current = undefined;
      }
    },
  };
}

/**
 * Sets up OpenTelemetry tracing whose finished spans are stored in PostgreSQL: a Node tracer
 * provider (resource from the options, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`; sampler
 * from `OTEL_TRACES_SAMPLER`), W3C propagation, AsyncLocalStorage context, a batch processor feeding
 * a `PostgreSQLSpanExporter`, and optionally auto-instrumentation. If the application registered
 * its own provider, pgtel only adds its processor to it. Calling it again returns the same setup
 * (a warning says so when the options differ); call `shutdown()` first to change them.
 */
export function setupTracing(options: SetupTracingOptions = {}): Promise<Tracing> {
  const logger = options.logger ?? createLogger('warn');
  if (current) {
    if (Object.keys(options).length > 0) {
      logger.warn('tracing is already set up; returning the existing setup (call shutdown() to change it)');
    }
    return current;
  }
  const setup = create(options, logger);
  current = setup;
  setup.catch(() => {
    if (current === setup) current = undefined;
  });
  return setup;
}
