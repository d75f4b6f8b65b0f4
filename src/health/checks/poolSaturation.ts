import type { CheckOutcome } from '../HealthCheck.js';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

/**
 * Pool saturation from pool statistics: `warn` when callers wait on a full pool or when the share
 * of connections in use reaches `warnAt` (0..1), else `pass`. The observed value is that share.
 */
export function poolSaturation(stats: PoolStats, warnAt: number): CheckOutcome {
  const inUse = Math.max(0, stats.total - stats.idle);
  const ratio = stats.max > 0 ? inUse / stats.max : 0;
  const usage = `${inUse}/${stats.max} connections in use`;
  const base = { observedValue: ratio, observedUnit: 'ratio' };
  // Below max, waiters only wait for a new connection to open: that is growth, not saturation.
  if (stats.waiting > 0 && stats.total >= stats.max) {
    return { ...base, status: 'warn', message: `${usage}, ${stats.waiting} waiting for a connection` };
  }
  if (ratio >= warnAt) {
    return {
      ...base,
      status: 'warn',
      message: `${usage} (${Math.round(ratio * 100)}%, warn at ${Math.round(warnAt * 100)}%)`,
    };
  }
  return { ...base, status: 'pass', message: usage };
}
