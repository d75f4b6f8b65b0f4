import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A time limit on all the database work of one request: statements get a statement timeout no
 * longer than what is left, waits for a pooled connection stop when it passes, and a connection
 * still busy for the request then is cut (and its query cancelled on the server), so a stalled
 * database never holds connections past the deadline.
 */
export interface Deadline {
  /** Aborts when the deadline passes; the abort reason is the error to throw. */
  readonly signal: AbortSignal;
  /** Milliseconds left (`performance.now()` based), at least 0. */
  remainingMs(): number;
}

const storage = new AsyncLocalStorage<Deadline>();

/** Runs `fn` with `deadline` applying to every database call made within it (async context). */
export function withDeadline<T>(deadline: Deadline, fn: () => Promise<T>): Promise<T> {
  return storage.run(deadline, fn);
}

/** The deadline of the database work running now, if any. */
export function currentDeadline(): Deadline | undefined {
  return storage.getStore();
}

/**
 * A deadline `ms` from now whose signal aborts with `reason()` when it passes; `dispose()` clears
 * its timer once the work is over.
 */
export function deadlineIn(ms: number, reason: () => Error): Deadline & { dispose(): void } {
  const controller = new AbortController();
  const endsAt = performance.now() + ms;
  const timer = setTimeout(() => controller.abort(reason()), ms);
  timer.unref?.();
  return {
    signal: controller.signal,
    remainingMs: () => Math.max(0, endsAt - performance.now()),
    dispose: () => clearTimeout(timer),
  };
}

/**
 * Runs `work` under a deadline `ms` from now (database calls within it included, see
 * {@link withDeadline}): resolves with its result, or rejects with `reason()` as soon as the deadline
 * passes, while the database work it started is cancelled. `work` gets the deadline's signal to stop
 * its own CPU work early.
 */
export async function runWithinDeadline<T>(
  ms: number,
  reason: () => Error,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = deadlineIn(ms, reason);
  const { signal } = deadline;
  try {
    return await new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      withDeadline(deadline, () => work(signal))
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  } finally {
    deadline.dispose();
  }
}
