import type { CheckOutcome } from './HealthCheck.js';
import type { CheckStatus } from './HealthStatus.js';

export interface NormalizedOutcome {
  status: CheckStatus;
  message?: string;
  error?: string;
  observedValue?: number;
  observedUnit?: string;
}

const STATUSES: readonly unknown[] = ['pass', 'warn', 'fail'];

/** Turns whatever a check function resolved with into a status; garbage counts as a failure. */
export function normalizeOutcome(value: unknown): NormalizedOutcome {
  if (value === undefined || value === true) return { status: 'pass' };
  if (value === false) return { status: 'fail' };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { status: 'fail', error: `check returned an invalid result (${describe(value)})` };
  }
  const o = value as Exclude<CheckOutcome, boolean | undefined>;
  let status: CheckStatus | undefined;
  if (o.status !== undefined) {
    if (!STATUSES.includes(o.status)) {
      return { status: 'fail', error: `check returned an invalid status (${describe(o.status)})` };
    }
    status = o.status;
  } else if (typeof o.healthy === 'boolean') {
    status = o.healthy ? 'pass' : 'fail';
  } else {
    return { status: 'fail', error: 'check returned an object with neither status nor healthy' };
  }
  const out: NormalizedOutcome = { status };
  if (typeof o.message === 'string' && o.message !== '') out.message = o.message;
  if (typeof o.observedValue === 'number' && Number.isFinite(o.observedValue)) {
    out.observedValue = o.observedValue;
    if (typeof o.observedUnit === 'string') out.observedUnit = o.observedUnit;
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
