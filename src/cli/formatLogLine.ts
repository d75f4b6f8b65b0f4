import { severityName } from '../logs/logSeverity.js';
import type { Style } from './Style.js';

/** A log record as the JSON API answers it. */
export interface LogLine {
  timestamp: string;
  severityNumber: number;
  severityText: string | null;
  body: string;
  serviceName: string;
  traceId: string | null;
  attributes?: Record<string, unknown>;
}

/**
 * One terminal line of a record: time, severity (coloured by its range: fatal and error red, warn
 * yellow, debug and trace dim), service, the body on one line, and the trace id when there is one. Pure.
 */
export function formatLogLine(log: LogLine, style: Style): string {
  const name = severityName(log.severityNumber);
  const label = (log.severityText || name.toUpperCase()).padEnd(5);
  const severity =
    name === 'fatal'
      ? style.bold(style.red(label))
      : name === 'error'
        ? style.red(label)
        : name === 'warn'
          ? style.yellow(label)
          : name === 'info'
            ? label
            : style.dim(label);
  const body = log.body.replace(/\r?\n/g, '\\n');
  const trace = log.traceId ? style.dim(`  trace=${log.traceId}`) : '';
  return `${style.dim(log.timestamp)} ${severity} ${style.bold(log.serviceName || '-')}  ${body}${trace}\n`;
}
