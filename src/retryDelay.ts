/**
 * How long to wait between retries: jittered exponential backoff. Every retrying part of pgtel takes
 * it as its `retry` option; each states its own defaults.
 */
export interface RetryOptions {
  /**
   * Longest delay after the first failure, in milliseconds (jittered down to half), doubled per further
   * failure. Default: stated by the option that takes it.
   */
  baseMs?: number | undefined;
  /** Longest delay in milliseconds. Default: stated by the option that takes it. */
  maxMs?: number | undefined;
}

/**
 * Delay before the next try after `failures` consecutive failures (1 after the first): full jitter in
 * [ceiling / 2, ceiling] with ceiling = min(maxMs, baseMs * 2^(failures - 1)), so many processes
 * retrying against a restarted server do not all come back at once. `options` override `defaults`
 * field by field; `random` returns [0, 1).
 */
export function retryDelay(
  failures: number,
  options: RetryOptions | undefined,
  defaults: Required<RetryOptions>,
  random: () => number = Math.random,
): number {
  const base = options?.baseMs ?? defaults.baseMs;
  const max = options?.maxMs ?? defaults.maxMs;
  const ceiling = Math.min(max, base * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
