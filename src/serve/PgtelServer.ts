import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { type ApplyFileRulesResult, applyRuleFile } from '../alerts/rules/file/applyFileRules.js';
import { type Clock, systemClock } from '../clock.js';
import { type PgtelConfig, type PgtelOptions, resolveConfig } from '../config.js';
import type { Database } from '../db/Database.js';
import { DataDirLock } from '../db/DataDirLock.js';
import { openDatabase } from '../db/openDatabase.js';
import { OtlpGrpcServer } from '../grpc/OtlpGrpcServer.js';
import { otlpGrpcServices } from '../grpc/otlpGrpcServices.js';
import { databaseCheck } from '../health/checks/databaseCheck.js';
import { migrationsCheck } from '../health/checks/migrationsCheck.js';
import { poolSaturationCheck } from '../health/checks/poolSaturationCheck.js';
import { GracefulShutdown, type ShutdownReport } from '../health/GracefulShutdown.js';
import { HealthChecker } from '../health/HealthChecker.js';
import { createHealthHandlers } from '../health/healthHandlers.js';
import { createApiRoutes } from '../http/api/createApiRoutes.js';
import { HealthChangeLog } from '../http/api/HealthChangeLog.js';
import { vendorAssets } from '../http/api/vendorAssets.js';
import { hasBearerToken } from '../http/bearerAuth.js';
import { createApp } from '../http/createApp.js';
import { HostAllowList } from '../http/HostAllowList.js';
import { createOtlpSinks } from '../http/otlpSinks.js';
import { createRemoteWriteSink } from '../http/remoteWriteSink.js';
import { ServiceMetrics } from '../http/ServiceMetrics.js';
import { createLogger, type Logger } from '../logger.js';
import { OwnLogStore } from '../logs/OwnLogStore.js';
import { IngestBudget } from '../otlp/IngestBudget.js';
import { packageRoot } from '../packageRoot.js';
import { migrate } from '../schema/migrate.js';
import { openSpoolingSinks } from '../spool/openSpoolingSinks.js';
import { startDemo } from './demo/startDemo.js';
import { JobRunner } from './jobs/JobRunner.js';
import { serviceJobs } from './jobs/serviceJobs.js';
import { reachableUrl } from './reachableUrl.js';

export interface ServerOptions extends PgtelOptions {
  clock?: Clock;
  logger?: Logger;
  /** Start the background jobs (default true). */
  jobs?: boolean;
  /** Run the simulated pipeline that fills every view with data (default false). */
  demo?: boolean;
  /**
   * Process mode: shut down on SIGTERM/SIGINT (readiness fails first for `shutdownDelayMs`) and exit
   * (default false: the library never exits the process; call `close()`).
   */
  handleSignals?: boolean;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function ruleCounts(r: ApplyFileRulesResult) {
  return {
    created: r.created.length,
    updated: r.updated.length,
    unchanged: r.unchanged.length,
    removed: r.removed.length,
  };
}

/**
 * `pgtel serve`: one HTTP port with probes, `/metrics`, OTLP/HTTP ingest, the JSON API and the
 * dashboard, OTLP/gRPC ingest on `grpcPort` (4317 unless `off`), plus the background jobs, on a
 * migrated database. Safe beside other instances on the same database. Shutdown drains requests, stops jobs, flushes telemetry and closes the database last.
 */
export class PgtelServer {
  private constructor(
    readonly config: PgtelConfig,
    readonly db: Database,
    readonly health: HealthChecker,
    readonly jobs: JobRunner,
    readonly metrics: ServiceMetrics,
    readonly app: Hono,
    private readonly server: Server,
    private readonly shutdown: GracefulShutdown,
    /** OTLP/gRPC ingest; undefined when `grpcPort` is `off`. */
    readonly grpc: OtlpGrpcServer | undefined,
    private readonly logger: Logger,
    private readonly publicUrl: () => string,
  ) {}

  /**
   * Applies the rule file (`rulesFile`) again, as SIGHUP does in process mode: rules removed from it
   * are deleted and their alerts resolved; rules from code or the API are untouched. A file with
   * problems changes nothing: they are logged and thrown. Resolves with null when there is no rule file.
   */
  async reloadRules(): Promise<ApplyFileRulesResult | null> {
    const file = this.config.rulesFile;
    if (!file) return null;
    try {
      const applied = await applyRuleFile(this.db, file, { publicUrl: this.publicUrl() });
      this.logger.info('alert rules reloaded', { file, ...ruleCounts(applied) });
      return applied;
    } catch (error) {
      this.logger.error('alert rule file not reloaded; the previous rules stay', {
        file,
        error: (error as Error).message,
      });
      throw error;
    }
  }

  /** Opens and migrates the database, then listens; rejects (closing what it opened) on any failure. */
  static async start(options: ServerOptions = {}): Promise<PgtelServer> {
    const config = resolveConfig(options);
    let logger = options.logger ?? createLogger(config.logLevel);
    const clock = options.clock ?? systemClock;
    const db = await openDatabase(config);
    const healthChanges = new HealthChangeLog();
    const health = new HealthChecker({ clock, onTransition: healthChanges.record });
    const shutdown = new GracefulShutdown({
      checker: health,
      exit: options.handleSignals === true,
      readinessDelayMs: options.handleSignals ? config.shutdownDelayMs : 0,
      logger,
    });
    shutdown.addHook('database', () => db.close());
    try {
      await migrate(db, {
        partitionsAhead: config.partitionsAhead,
        retentionDays: config.retentionDays,
        clock,
        logger,
      });
      if (config.storeOwnLogs) {
        // Stored until the database closes: its hook runs just before the database's.
        const ownLogs = new OwnLogStore({ db, inner: logger, level: config.logLevel });
        shutdown.addHook('own log records', () => ownLogs.close());
        logger = ownLogs.logger;
      }
      health.addCheck(databaseCheck(db)).addCheck(migrationsCheck(db));
      // A rule file with problems stops the start, as Prometheus does: no silent half of the rules.
      if (config.rulesFile) {
        const applied = await applyRuleFile(db, config.rulesFile, { clock, publicUrl: config.publicUrl });
        logger.info('alert rules loaded', { file: config.rulesFile, ...ruleCounts(applied) });
      }
      // The embedded database is one connection, always "in use": pool saturation means nothing there.
      if (db.kind === 'postgres') health.addCheck(poolSaturationCheck(db));
      const metrics = new ServiceMetrics({ db, clock, logger, flushIntervalMs: 10_000 });
      shutdown.addHook('metrics flush', () => metrics.collector.shutdown());
      const jobs = new JobRunner({ logger, onFinished: metrics.recordJob });
      // Notification links default to this server's own port, known once it listens (port 0 picks one).
      let boundPort = config.port;
      const publicUrl = () => config.publicUrl ?? `http://localhost:${boundPort}`;
      for (const job of serviceJobs(db, config, clock, logger, publicUrl)) jobs.add(job);
      jobs.add({
        name: 'self-metrics',
        intervalMs: config.jobIntervalMs,
        run: () => metrics.refreshAlertStates(db),
      });
      shutdown.addHook('background jobs', () => jobs.stop());
      if (options.demo) {
        const demo = await startDemo({ db, metrics: metrics.collector, clock, logger });
        jobs.add(demo.job);
        shutdown.addHook('demo tracing', () => demo.stop());
      }
      const token = config.apiToken;
      // HTTP and gRPC ingest share the sinks, behind the spool unless it is off.
      const otlp = await openSpoolingSinks(
        createOtlpSinks(db, clock, metrics, logger, { retentionDays: config.retentionDays }),
        config,
        { clock, logger, shutdown, health, metrics },
      );
      // One budget of in-flight decompressed bytes for every ingest protocol of this process.
      const ingestBudget = new IngestBudget(config.ingestMemoryBytes);
      const app = createApp({
        config,
        health: createHealthHandlers(health, {
          authorize: token ? (request) => hasBearerToken(request, token) : undefined,
        }),
        renderMetrics: (format) => metrics.render(format),
        otlp,
        remoteWrite: createRemoteWriteSink(db, clock, metrics, config.retentionDays),
        api: createApiRoutes({ db, health, healthChanges, config, clock, logger }),
        vendor: vendorAssets(),
        webRoot: join(packageRoot(), 'web'),
        logger,
        ingestBudget,
      });
      const server = createServer(getRequestListener(app.fetch));
      // Idle connections outlive the clients' and load balancers' own idle timeouts (undici 4 s, cloud
      // load balancers 60 s), so a client never reuses a connection the server is closing that moment.
      server.keepAliveTimeout = 65_000;
      server.headersTimeout = 66_000;
      shutdown.trackServer(server);
      await listen(server, config.port, config.host);
      const bound = server.address() as AddressInfo;
      boundPort = bound.port;
      // CLI commands started beside the embedded folder find this server through its lock file.
      if (db.kind === 'pglite')
        DataDirLock.advertise(config.dataDir, reachableUrl(bound.address, bound.port));
      const hostHint = new HostAllowList(config).startupHint();
      if (hostHint) logger.warn(hostHint, { host: config.host });
      // OTLP/gRPC beside HTTP: the same sinks, size limit and ingest token; its calls drain with the requests.
      const grpc =
        config.grpcPort === 'off'
          ? undefined
          : await OtlpGrpcServer.start({
              services: otlpGrpcServices(otlp, config.maxBodyBytes, {
                deadlineMs: config.ingestDeadlineMs,
                maxItems: config.maxItemsPerRequest,
                budget: ingestBudget,
              }),
              host: config.host,
              port: config.grpcPort,
              maxMessageBytes: config.maxBodyBytes,
              token: token && config.authScopes.includes('ingest') ? token : undefined,
              track: (call) => shutdown.track(call),
              logger,
            });
      if (grpc) shutdown.addHook('OTLP/gRPC server', () => grpc.close(), { timeoutMs: 1_000 });
      if (options.jobs !== false) jobs.start();
      if (options.handleSignals) shutdown.install();
      const instance = new PgtelServer(
        config,
        db,
        health,
        jobs,
        metrics,
        app,
        server,
        shutdown,
        grpc,
        logger,
        publicUrl,
      );
      if (options.handleSignals && config.rulesFile) {
        const onHangup = () => void instance.reloadRules().catch(() => {});
        process.on('SIGHUP', onHangup);
        shutdown.addHook('rule file reload', async () => void process.off('SIGHUP', onHangup));
      }
      return instance;
    } catch (error) {
      await shutdown.shutdown('start failed');
      throw error;
    }
  }

  /** Base URL, e.g. `http://127.0.0.1:4318`. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Fails readiness, drains requests, stops jobs, flushes telemetry, closes the database. */
  close(): Promise<ShutdownReport> {
    return this.shutdown.shutdown('close');
  }
}
