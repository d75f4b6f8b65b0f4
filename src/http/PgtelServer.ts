import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import { type Clock, systemClock } from '../clock.js';
import { type PgtelConfig, type PgtelOptions, resolveConfig } from '../config.js';
import type { Database } from '../db/Database.js';
import { openDatabase } from '../db/openDatabase.js';
import { databaseCheck } from '../health/checks/databaseCheck.js';
import { migrationsCheck } from '../health/checks/migrationsCheck.js';
import { poolSaturationCheck } from '../health/checks/poolSaturationCheck.js';
import { HealthChecker } from '../health/HealthChecker.js';
import { createHealthHandlers } from '../health/healthHandlers.js';
import { JobRunner } from '../jobs/JobRunner.js';
import { serviceJobs } from '../jobs/serviceJobs.js';
import { createLogger, type Logger } from '../logger.js';
import { packageRoot } from '../packageRoot.js';
import { migrate } from '../schema/migrate.js';
import { createApiRoutes } from './api/createApiRoutes.js';
import { HealthChangeLog } from './api/HealthChangeLog.js';
import { vendorAssets } from './api/vendorAssets.js';
import { hasBearerToken } from './bearerAuth.js';
import { createApp } from './createApp.js';
import { createOtlpSinks } from './otlpSinks.js';

export interface ServerOptions extends PgtelOptions {
  clock?: Clock;
  logger?: Logger;
  /** Start the background jobs (default true). */
  jobs?: boolean;
}

/**
 * `pgtel serve`: one HTTP port with probes, `/metrics`, OTLP/HTTP ingest, the JSON API and the
 * dashboard, plus the background jobs, on an already-migrated database. Safe to run beside other
 * instances on the same database.
 */
export class PgtelServer {
  readonly config: PgtelConfig;
  readonly db: Database;
  readonly health: HealthChecker;
  readonly jobs: JobRunner;
  readonly app: Hono;
  readonly logger: Logger;
  private readonly server: Server;
  private closing: Promise<void> | undefined;

  private constructor(parts: {
    config: PgtelConfig;
    db: Database;
    health: HealthChecker;
    jobs: JobRunner;
    app: Hono;
    logger: Logger;
    server: Server;
  }) {
    this.config = parts.config;
    this.db = parts.db;
    this.health = parts.health;
    this.jobs = parts.jobs;
    this.app = parts.app;
    this.logger = parts.logger;
    this.server = parts.server;
  }

  /** Opens and migrates the database, then listens; rejects (closing what it opened) on any failure. */
  static async start(options: ServerOptions = {}): Promise<PgtelServer> {
    const config = resolveConfig(options);
    const logger = options.logger ?? createLogger(config.logLevel);
    const clock = options.clock ?? systemClock;
    const db = await openDatabase(config);
    try {
      await migrate(db, { partitionsAhead: config.partitionsAhead, clock });
      const healthChanges = new HealthChangeLog();
      const health = new HealthChecker({ clock, onTransition: healthChanges.record });
      health.addCheck(databaseCheck(db)).addCheck(poolSaturationCheck(db)).addCheck(migrationsCheck(db));
      const token = config.apiToken;
      const healthHandlers = createHealthHandlers(health, {
        authorize: token ? (request) => hasBearerToken(request, token) : undefined,
      });
      const jobs = new JobRunner({ logger });
      for (const job of serviceJobs(db, config, clock, logger)) jobs.add(job);
      const app = createApp({
        config,
        health: healthHandlers,
        renderMetrics: () => '',
        otlp: createOtlpSinks(db, clock),
        api: createApiRoutes({ db, health, healthChanges, config, clock }),
        vendor: vendorAssets(),
        webRoot: join(packageRoot(), 'web'),
      });
      const server = createServer(getRequestListener(app.fetch));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      if (options.jobs !== false) jobs.start();
      return new PgtelServer({ config, db, health, jobs, app, logger, server });
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** Base URL, e.g. `http://127.0.0.1:4318`. */
  get url(): string {
    const address = this.server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  /** Stops accepting connections, waits for requests and jobs in flight, closes the database. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.health.beginShutdown();
      await Promise.all([
        new Promise<void>((resolve) => this.server.close(() => resolve())),
        this.jobs.stop(),
      ]);
      this.server.closeAllConnections();
      await this.db.close();
    })();
    return this.closing;
  }
}
