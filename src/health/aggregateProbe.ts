import type { CheckResult, CheckStatus, HealthStatus, ProbeName } from './HealthStatus.js';

/** A probe's status from its checks: a failing critical check fails it; any other trouble is `warn`. */
export function probeStatus(checks: Record<string, CheckResult>): CheckStatus {
  let status: CheckStatus = 'pass';
  for (const result of Object.values(checks)) {
    if (result.status === 'fail' && result.critical) return 'fail';
    if (result.status !== 'pass') status = 'warn';
  }
  return status;
}

function namesWhere(checks: Record<string, CheckResult>, keep: (r: CheckResult) => boolean): string {
  return Object.entries(checks)
    .filter(([, r]) => keep(r))
    .map(([name]) => name)
    .join(', ');
}

/** Readiness messages per state, `warn` included. */
export function readinessMessage(checks: Record<string, CheckResult>, status: CheckStatus): string {
  if (status === 'pass') return 'All dependencies healthy';
  if (status === 'warn') return `Dependencies degraded: ${namesWhere(checks, (r) => r.status !== 'pass')}`;
  return `Dependencies unhealthy: ${namesWhere(checks, (r) => r.status === 'fail' && r.critical)}`;
}

/** Startup messages per state. */
export function startupMessage(status: CheckStatus): string {
  return status === 'fail' ? 'Waiting for initial data' : 'Initialization complete';
}

/** Assembles the `HealthStatus` a probe returns. */
export function healthStatus(
  probe: ProbeName | 'health',
  status: CheckStatus,
  message: string,
  checks: Record<string, CheckResult>,
  now: number,
): HealthStatus {
  return {
    healthy: status !== 'fail',
    status,
    message,
    checkedAt: new Date(now),
    details: { probe, checks },
  };
}
