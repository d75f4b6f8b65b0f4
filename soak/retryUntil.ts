/** Outcome of an operation retried until it succeeds or its deadline passes. */
export type RetryOutcome<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; reason: string; attempts: number };

/**
 * Runs `op` until it resolves, waiting `delayMs` between attempts, and gives up once `deadlineMs`
 * has passed or `isFinal` says an error will not go away. The reason names the last error's class
 * and code so the soak report can say why something was dropped.
 */
export async function retryUntil<T>(
  op: (attempt: number) => Promise<T>,
  options: { deadlineMs: number; delayMs: number; isFinal?: (error: unknown) => boolean },
): Promise<RetryOutcome<T>> {
  const giveUpAt = Date.now() + options.deadlineMs;
  let attempts = 0;
  for (;;) {
    try {
      attempts++;
      return { ok: true, value: await op(attempts), attempts };
    } catch (error) {
      if (options.isFinal?.(error) || Date.now() + options.delayMs > giveUpAt)
        return { ok: false, reason: reasonOf(error), attempts };
      await new Promise((resolve) => setTimeout(resolve, options.delayMs));
    }
  }
}

/** A short, secret-free description of an error: its class and code. */
export function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${error.name} ${code}` : error.name;
}
