import { Hono } from 'hono';
import type { Clock } from '../../../src/clock.js';
import type { Database } from '../../../src/db/Database.js';
import { databaseCheck } from '../../../src/health/checks/databaseCheck.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { createHealthHandlers } from '../../../src/health/healthHandlers.js';
import { createApiRoutes } from '../../../src/http/api/createApiRoutes.js';
import { HealthChangeLog } from '../../../src/http/api/HealthChangeLog.js';
import { vendorAssets } from '../../../src/http/api/vendorAssets.js';
import { createApp } from '../../../src/http/createApp.js';
import { createOtlpSinks } from '../../../src/http/otlpSinks.js';

export interface TestAppOptions {
  apiToken?: string;
  authScopes?: string[];
  queryTimeoutMs?: number;
  webRoot?: string;
}

/** The whole HTTP surface as `pgtel serve` composes it, with the JSON API and (optionally) the dashboard. */
export function createTestApp(db: Database, clock: Clock, options: TestAppOptions = {}): Hono {
  const changes = new HealthChangeLog();
  const health = new HealthChecker({ clock, onTransition: changes.record }).addCheck(databaseCheck(db));
  const config = {
    apiToken: options.apiToken,
    authScopes: options.authScopes ?? ['api', 'ingest'],
    maxBodyBytes: 1024 * 1024,
    queryTimeoutMs: options.queryTimeoutMs ?? 5000,
    // The name these tests reach the app under (http://pgtel.test/...), as a published server's would be.
    allowedHosts: ['pgtel.test'],
  };
  const app = createApp({
    config,
    health: createHealthHandlers(health),
    renderMetrics: () => '',
    otlp: createOtlpSinks(db, clock),
    api: createApiRoutes({ db, health, healthChanges: changes, config, clock }),
    ...(options.webRoot ? { webRoot: options.webRoot } : {}),
  });
  const outer = new Hono();
  outer.route('/vendor', vendorAssets());
  outer.route('/', app);
  return outer;
}
