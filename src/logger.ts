import type { LogLevel } from './config.js';
import { redact } from './redact.js';

/**
 * Where pgtel writes its own log lines (`createLogger` gives one on stderr); any object with these methods
 * will do.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Whether a logger at `level` writes a line at `at`. */
export function logLevelAllows(level: LogLevel, at: Exclude<LogLevel, 'silent'>): boolean {
  return RANK[at] >= RANK[level];
}

/** One line per event on stderr, secrets redacted; pgtel never writes to stdout on its own. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: Record<string, unknown>) => {
    if (!logLevelAllows(level, at)) return;
    const extra = fields ? ` ${JSON.stringify(fields, (_k, v) => (v instanceof Error ? v.message : v))}` : '';
    write(redact(`pgtel ${at}: ${message}${extra}\n`));
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}
