import type { AttributeValue } from '@opentelemetry/api';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { BatchLogRecordProcessorOptions, LogRecordProcessor } from '@opentelemetry/sdk-logs';
import type { DatabaseSession } from '../db/Database.js';
import { createLogger, type Logger } from '../logger.js';
import { SingleSetup } from '../SingleSetup.js';
import { sdkResource } from '../tracing/sdkResource.js';
import { captureConsole } from './captureConsole.js';
import {
  type LogExporterStats,
  PostgreSQLLogRecordExporter,
  type PostgreSQLLogRecordExporterOptions,
} from './PostgreSQLLogRecordExporter.js';

/** Options of `setupLogging`. */
export interface SetupLoggingOptions {
  /** `service.name` of the records. Default: `OTEL_SERVICE_NAME`, then `OTEL_RESOURCE_ATTRIBUTES`, then the SDK's `unknown_service:node`. */
  serviceName?: string;
  /** Where log records are stored. Default: none, records are emitted but not stored. */
  db?: DatabaseSession;
  /** Extra resource attributes; they win over `OTEL_RESOURCE_ATTRIBUTES`. Default: none. */
  resourceAttributes?: Record<string, AttributeValue>;
  /** Exporter settings (retries). Default: the exporter's own defaults. */
  exporter?: Omit<PostgreSQLLogRecordExporterOptions, 'db' | 'serviceName' | 'logger'>;
  /** Batch processor settings (default: export every 1,000 ms or 512 records, queue 2,048, drop beyond). */
  batch?: Omit<BatchLogRecordProcessorOptions, 'exporter'>;
  /** Turn logging off (default: `OTEL_SDK_DISABLED=true`); emitting records then does nothing. */
  disabled?: boolean;
  /** Receives setup and export problems. Default: a logger at level warn on stderr. */
  logger?: Logger;
  /**
   * Also store what the application writes with `console.debug/log/info/warn/error` (still printed
   * as before): one record per call, severity by method (log and info INFO), attribute
   * `log.source: console`, trace context of the active span. `shutdown()` puts the console back.
   * Default: false.
   */
  captureConsole?: boolean;
}

/** What `setupLogging` returns: a logger, and control over the pipeline it set up. */
export interface Logging {
  /** False when logging is disabled or OpenTelemetry's logs SDK is not installed. */
  readonly enabled: boolean;
  /** An OpenTelemetry Logs API logger (scope `pgtel`); `getLogger` gives others. */
  readonly logger: OtelLogger;
  /** A logger of the provider set up, for an instrumentation scope of the application's choosing. */
  getLogger(name: string, version?: string): OtelLogger;
  /** pgtel's processor, to add by hand to a provider of the application's own. */
  readonly processor: LogRecordProcessor | undefined;
  readonly exporter: PostgreSQLLogRecordExporter | undefined;
  /** Exporter counters (all zero without a database). */
  stats(): LogExporterStats;
  /** Stores every record emitted so far; resolves once committed. */
  forceFlush(): Promise<void>;
  /** Flushes, then undoes the setup (the global logger provider), so `setupLogging` may run again. */
  shutdown(): Promise<void>;
}

const single = new SingleSetup<Logging>('logging');

const EMPTY_STATS: LogExporterStats = { exported: 0, failed: 0, retries: 0, lastError: undefined };

async function create(options: SetupLoggingOptions, logger: Logger): Promise<Logging> {
  const disabled = options.disabled ?? /^\s*true\s*$/i.test(process.env.OTEL_SDK_DISABLED ?? '');
  let modules: [
    typeof import('@opentelemetry/api-logs'),
    typeof import('@opentelemetry/sdk-logs'),
    typeof import('@opentelemetry/resources'),
  ];
  try {
    modules = await Promise.all([
      import('@opentelemetry/api-logs'),
      import('@opentelemetry/sdk-logs'),
      import('@opentelemetry/resources'),
    ]);
  } catch (error) {
    if (!disabled) {
      logger.warn('logging disabled: install @opentelemetry/api-logs and @opentelemetry/sdk-logs 0.223', {
        error,
      });
    }
    return noLogging();
  }
  const [api, { LoggerProvider, BatchLogRecordProcessor }, resources] = modules;
  if (disabled) return noLogging(api.createNoopLogger());
  const { resource, serviceName } = sdkResource(resources, options.serviceName, options.resourceAttributes);
  const exporter = options.db
    ? new PostgreSQLLogRecordExporter({ ...options.exporter, db: options.db, serviceName, logger })
    : undefined;
  const processor = exporter ? new BatchLogRecordProcessor({ ...options.batch, exporter }) : undefined;
  const provider = new LoggerProvider({ resource, processors: processor ? [processor] : [] });
  api.logs.setGlobalLoggerProvider(provider);
  const releaseConsole = options.captureConsole ? captureConsole(provider.getLogger('console')) : undefined;
  return {
    enabled: true,
    logger: provider.getLogger('pgtel'),
    getLogger: (name, version) => provider.getLogger(name, version),
    processor,
    exporter,
    stats: () => exporter?.stats() ?? { ...EMPTY_STATS },
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      releaseConsole?.();
      try {
        await provider.shutdown();
        api.logs.disable();
      } finally {
        single.clear();
      }
    },
  };
}

function noLogging(noop?: OtelLogger): Logging {
  const logger: OtelLogger = noop ?? { emit: () => {}, enabled: () => false };
  return {
    enabled: false,
    logger,
    getLogger: () => logger,
    processor: undefined,
    exporter: undefined,
    stats: () => ({ ...EMPTY_STATS }),
    forceFlush: async () => {},
    shutdown: async () => {
      single.clear();
    },
  };
}

/**
 * Sets up the OpenTelemetry Logs API with records stored in PostgreSQL: a logger provider (resource
 * from the options, `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`) registered globally, a
 * `BatchLogRecordProcessor` feeding a `PostgreSQLLogRecordExporter`. A record emitted inside an
 * active span carries its trace and span ids (the SDK reads them from the active context, which
 * `setupTracing` provides). Calling it again returns the same setup; call `shutdown()` first to
 * change it.
 *
 * Outage bound: unlike spans, log records survive a database outage only up to the exporter's
 * `retryForMs` (default 20 s) per batch; a batch still unwritten then is lost (counted `failed` by
 * the exporter), and records emitted meanwhile wait in the SDK's queue (`batch.maxQueueSize`,
 * default 2,048), beyond which the SDK drops them without counting.
 */
export function setupLogging(options: SetupLoggingOptions = {}): Promise<Logging> {
  const logger = options.logger ?? createLogger('warn');
  return single.run(options, logger, () => create(options, logger));
}
