import { retryDelay as backoff } from '../../retryDelay.js';

export interface BackoffOptions {
  /** Delay after the first failure (default 5 s). */
  baseMs?: number;
  /** Cap of the exponential growth (default 15 min). */
  maxMs?: number;
}

/**
 * Delay before retry number `attempt` (1 after the first failure) of an outbox row: the shared
 * jittered exponential backoff with the outbox's slower defaults. `random` returns [0, 1).
 */
export function retryDelay(
  attempt: number,
  options: BackoffOptions = {},
  random: () => number = Math.random,
): number {
  return backoff(
    Math.max(0, attempt - 1),
    { baseMs: options.baseMs ?? 5_000, maxMs: options.maxMs ?? 15 * 60_000 },
    random,
  );
}
