import type { Clock } from '../clock.js';
import type { PgtelConfig } from '../config.js';
import type { GracefulShutdown } from '../health/GracefulShutdown.js';
import type { HealthChecker } from '../health/HealthChecker.js';
import type { OtlpSinks } from '../http/otlpHandlers.js';
import type { ServiceMetrics } from '../http/ServiceMetrics.js';
import type { Logger } from '../logger.js';
import { SpoolingSinks } from './SpoolingSinks.js';
import { spoolFolder } from './spoolFolder.js';

/**
 * The OTLP sinks of `pgtel serve`: `inner` behind a spool in `spoolFolder(config)` unless
 * `spoolMaxBytes` is 0. At shutdown, the drain phase waits for the spool to empty while the database
 * answers, then the spool closes before the database does; its depth is shown on `/metrics`.
 */
export async function openSpoolingSinks(
  inner: OtlpSinks,
  config: PgtelConfig,
  services: {
    clock: Clock;
    logger: Logger;
    shutdown: GracefulShutdown;
    health: HealthChecker;
    metrics: ServiceMetrics;
  },
): Promise<OtlpSinks> {
  if (config.spoolMaxBytes === 0) return inner;
  const { clock, logger, shutdown, health, metrics } = services;
  const sinks = await SpoolingSinks.open({
    inner,
    folder: spoolFolder(config),
    maxBytes: config.spoolMaxBytes,
    clock,
    logger,
    onSpooled: metrics.recordSpooled,
    // Answer from the spool well before the request's own deadline would answer 503.
    directTimeoutMs: Math.min(5_000, Math.floor(config.ingestDeadlineMs * 0.6)),
    // A shutdown waits (within its drain timeout) for what waits in the spool, while the database answers.
    track: (task) => shutdown.track(task),
    shuttingDown: () => health.shuttingDown,
  });
  // Hooks run in reverse order: this one runs before the database closes. Short: what waits is on
  // disk already, and a store still running when it times out is replayed by the next start.
  shutdown.addHook('spool', () => sinks.close(), { timeoutMs: 1_000 });
  metrics.observeSpool(() => sinks.stats());
  logger.debug('OTLP requests are spooled while the database is away', { folder: sinks.stats().folder });
  return sinks;
}
