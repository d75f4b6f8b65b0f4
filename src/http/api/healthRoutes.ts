import { Hono } from 'hono';
import type { HealthStatus } from '../../health/HealthStatus.js';
import type { ApiDeps } from './ApiDeps.js';
import { QueryParams } from './QueryParams.js';

function lastChange(deps: ApiDeps, kind: 'check' | 'probe', subject: string) {
  const change = deps.healthChanges?.lastChange(kind, subject);
  return change ? { from: change.from, to: change.to, at: change.at, message: change.message } : null;
}

function probe(deps: ApiDeps, name: string, status: HealthStatus) {
  return {
    status: status.status,
    healthy: status.healthy,
    message: status.message,
    lastChange: lastChange(deps, 'probe', name),
  };
}

/**
 * `/health`: the three probes and every check with its status, message, duration and last change.
 * Answers 200 whatever the verdict (the probes themselves are `/livez`, `/readyz`, `/startupz`).
 */
export function healthRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    QueryParams.of(c.req.url).done();
    const checker = deps.health;
    const startup = await checker.startup();
    const all = await checker.health();
    const checks = Object.entries(all.details.checks)
      .map(([name, result]) => ({
        name,
        status: result.status,
        healthy: result.healthy,
        critical: result.critical,
        message: result.message,
        durationMs: result.durationMs,
        checkedAt: result.checkedAt,
        ...(result.error ? { error: result.error } : {}),
        ...(result.observedValue !== undefined
          ? { observedValue: result.observedValue, observedUnit: result.observedUnit ?? null }
          : {}),
        lastChange: lastChange(deps, 'check', name),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    return c.json({
      status: all.status,
      message: all.message,
      checkedAt: all.checkedAt,
      probes: {
        liveness: probe(deps, 'liveness', checker.liveness()),
        readiness: probe(deps, 'readiness', all),
        startup: probe(deps, 'startup', startup),
      },
      checks,
    });
  });
  return app;
}
