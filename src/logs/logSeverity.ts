import { ValidationError } from '../errors.js';

/** The OpenTelemetry severity ranges by their short name: each name covers 4 numbers (INFO is 9–12). */
export const LOG_SEVERITIES = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
} as const;

/** A severity by name: `trace`, `debug`, `info`, `warn`, `error` or `fatal` (OpenTelemetry's ranges). */
export type LogSeverityName = keyof typeof LOG_SEVERITIES;

export const LOG_SEVERITY_NAMES = Object.keys(LOG_SEVERITIES) as LogSeverityName[];

/**
 * The lowest severity number a minimum severity stands for: a name (`warn`, any case) is the first
 * number of its range (13), a number 1–24 is itself. Throws ValidationError naming `param`. Pure.
 */
export function minSeverityNumber(value: string | number, param = 'severity'): number {
  if (typeof value === 'number' || /^\d{1,2}$/.test(value)) {
    const n = Number(value);
    if (Number.isInteger(n) && n >= 1 && n <= 24) return n;
  } else {
    const name = value.toLowerCase() as LogSeverityName;
    if (Object.hasOwn(LOG_SEVERITIES, name)) return LOG_SEVERITIES[name];
  }
  throw new ValidationError(
    `${param} must be one of ${LOG_SEVERITY_NAMES.join(', ')} or a number from 1 to 24, got "${String(value).slice(0, 32)}"`,
  );
}

/** The short name of a severity number's range (`17` -> `error`); `unspecified` for 0. Pure. */
export function severityName(severityNumber: number): LogSeverityName | 'unspecified' {
  if (!(severityNumber >= 1)) return 'unspecified';
  return LOG_SEVERITY_NAMES[Math.min(5, Math.floor((severityNumber - 1) / 4))]!;
}

/** The SQL of a severity number column's range name, the twin of `severityName`. */
export function severityNameSql(column: string): string {
  return `CASE WHEN ${column} < 1 THEN 'unspecified' ELSE (ARRAY[${LOG_SEVERITY_NAMES.map((n) => `'${n}'`).join(',')}])[least(6, (${column} - 1) / 4 + 1)] END`;
}
