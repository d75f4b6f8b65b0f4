import { performance } from 'node:perf_hooks';
import type { Clock } from '../clock.js';
import { TimeoutError } from '../errors.js';
import { redact } from '../redact.js';
import type { HealthCheck } from './HealthCheck.js';
import type { CheckResult } from './HealthStatus.js';
import { type NormalizedOutcome, normalizeOutcome } from './normalizeOutcome.js';

/** A registered check with its defaults filled in. */
export type ResolvedCheck = Required<Pick<HealthCheck, 'name' | 'check' | 'critical' | 'timeoutMs'>> &
  Pick<HealthCheck, 'passMessage' | 'failMessage'>;

const MAX_ERROR_LENGTH = 300;

/** The text of anything thrown, redacted and shortened: safe for a probe body or a log line. */
export function errorText(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === 'string' ? error : String(error);
  const text = redact(raw || (error instanceof Error ? error.name : 'unknown error'));
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 3)}...` : text;
}

/**
 * Runs one check once, bounded by its timeout: the signal is aborted and the result is a failure when
 * the timeout expires, whether the check throws synchronously, rejects, returns garbage or never settles.
 */
export async function runBoundedCheck(check: ResolvedCheck, clock: Clock): Promise<CheckResult> {
  const controller = new AbortController();
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<NormalizedOutcome>((resolve) => {
    timer = setTimeout(() => {
      const message = `timed out after ${check.timeoutMs} ms`;
      controller.abort(new TimeoutError(`Health check ${check.name} ${message}`));
      resolve({ status: 'fail', error: message });
    }, check.timeoutMs);
    // A probe must never keep the process alive.
    timer.unref();
  });
  const settled = Promise.resolve()
    .then((): unknown => check.check(controller.signal))
    .then(
      normalizeOutcome,
      (error: unknown): NormalizedOutcome => ({ status: 'fail', error: errorText(error) }),
    );
  let outcome: NormalizedOutcome;
  try {
    outcome = await Promise.race([settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  return toResult(check, outcome, clock.now(), performance.now() - started);
}

function toResult(check: ResolvedCheck, o: NormalizedOutcome, now: number, durationMs: number): CheckResult {
  const failed = o.status === 'fail';
  const fallback = failed ? (check.failMessage ?? o.error ?? 'Check failed') : (check.passMessage ?? 'OK');
  const result: CheckResult = {
    healthy: !failed,
    status: o.status,
    message: redact(o.message ?? fallback),
    critical: check.critical,
    checkedAt: new Date(now),
    durationMs,
  };
  if (o.error !== undefined) result.error = o.error;
  if (o.observedValue !== undefined) result.observedValue = o.observedValue;
  if (o.observedUnit !== undefined) result.observedUnit = o.observedUnit;
  return result;
}
