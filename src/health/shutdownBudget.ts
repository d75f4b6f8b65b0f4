import { ConfigError } from '../errors.js';

export interface ShutdownBudget {
  readinessDelayMs: number;
  drainTimeoutMs: number;
  hooks: readonly { name: string; timeoutMs: number }[];
  /** Kubernetes' `terminationGracePeriodSeconds` in ms (30 000 by default). */
  gracePeriodMs: number;
  /** Kept free before the grace period ends, for process exit. */
  marginMs: number;
}

/**
 * The worst-case shutdown time (readiness delay + drain + every hook timeout); throws a ConfigError
 * naming each part when it does not fit in the grace period minus the margin, since Kubernetes would
 * SIGKILL the process half-way through.
 */
export function checkShutdownBudget(budget: ShutdownBudget): number {
  const hooksMs = budget.hooks.reduce((sum, hook) => sum + hook.timeoutMs, 0);
  const total = budget.readinessDelayMs + budget.drainTimeoutMs + hooksMs;
  const limit = budget.gracePeriodMs - budget.marginMs;
  if (total > limit) {
    const hooks = budget.hooks.map((h) => `${h.name} ${h.timeoutMs}`).join(', ') || 'none';
    throw new ConfigError(
      `shutdown may take ${total} ms (readiness delay ${budget.readinessDelayMs} + drain ` +
        `${budget.drainTimeoutMs} + hooks ${hooksMs} [${hooks}]), more than the ${budget.gracePeriodMs} ms ` +
        `grace period minus a ${budget.marginMs} ms margin: shorten the timeouts or raise ` +
        'terminationGracePeriodSeconds and gracePeriodMs together',
    );
  }
  return total;
}
