import type { Database } from '../../db/Database.js';
import { ValidationError } from '../../errors.js';
import type { HealthCheck } from '../HealthCheck.js';
import type { BuiltinCheckOptions } from './databaseCheck.js';
import { poolSaturation } from './poolSaturation.js';

/** Options of `poolSaturationCheck`. */
export interface PoolSaturationCheckOptions extends BuiltinCheckOptions {
  /** Share of the pool in use (0..1] from which the check warns. Default 0.9. */
  warnAt?: number;
}

/** Pool saturation (name `pool`, readiness, non-critical): warns, never fails. No I/O. */
export function poolSaturationCheck(db: Database, options: PoolSaturationCheckOptions = {}): HealthCheck {
  const warnAt = options.warnAt ?? 0.9;
  if (!(warnAt > 0 && warnAt <= 1))
    throw new ValidationError(`warnAt must be in (0, 1], got ${String(warnAt)}`);
  return {
    name: options.name ?? 'pool',
    probes: options.probes ?? ['readiness'],
    critical: options.critical ?? false,
    timeoutMs: options.timeoutMs,
    check: () => poolSaturation(db.poolStats(), warnAt),
  };
}
