export interface RetryDelayOptions {
  /** First delay in milliseconds (default 100). */
  baseMs?: number;
  /** Longest delay in milliseconds (default 30,000). */
  maxMs?: number;
}

/**
 * Exponential backoff with full jitter: a delay in [base * 2^attempt / 2, base * 2^attempt], capped,
 * so many processes retrying against a restarted server do not all come back at once.
 * `attempt` starts at 0; `random` returns [0, 1).
 */
export function retryDelay(attempt: number, options: RetryDelayOptions = {}, random = Math.random): number {
  const base = options.baseMs ?? 100;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
