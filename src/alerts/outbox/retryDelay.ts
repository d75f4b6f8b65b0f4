export interface BackoffOptions {
  /** Delay after the first failure (default 5 s). */
  baseMs?: number;
  /** Cap of the exponential growth (default 15 min). */
  maxMs?: number;
}

/**
 * Delay before retry number `attempt` (1 after the first failure): exponential, capped, with jitter
 * in [50%, 100%] so many failed rows do not retry in lockstep. `random` returns [0, 1).
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  const base = options.baseMs ?? 5_000;
  const max = options.maxMs ?? 15 * 60_000;
  const exponential = Math.min(max, base * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exponential * (0.5 + random() * 0.5));
}
