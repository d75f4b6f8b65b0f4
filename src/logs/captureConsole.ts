import { format } from 'node:util';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';

/** The console methods captured, with the severity their records carry. */
const CAPTURED = {
  debug: [5, 'DEBUG'],
  log: [9, 'INFO'],
  info: [9, 'INFO'],
  warn: [13, 'WARN'],
  error: [17, 'ERROR'],
} as const;

type CapturedMethod = keyof typeof CAPTURED;

/**
 * Forwards `console.debug/log/info/warn/error` to `logger` as log records (body formatted as the
 * console formats it, severity by method; the SDK adds the trace context of the active span) while
 * they still print as before. A record emitted while forwarding another (a console call made by the
 * logging pipeline itself) is only printed, never forwarded again. Returns a function that puts the
 * original methods back; a method replaced by someone else meanwhile is left as they set it.
 */
export function captureConsole(logger: OtelLogger): () => void {
  const originals = new Map<CapturedMethod, (...args: unknown[]) => void>();
  const replacements = new Map<CapturedMethod, (...args: unknown[]) => void>();
  let forwarding = false;
  for (const method of Object.keys(CAPTURED) as CapturedMethod[]) {
    const original = console[method];
    const [severityNumber, severityText] = CAPTURED[method];
    const replacement = (...args: unknown[]): void => {
      original.apply(console, args);
      if (forwarding) return;
      forwarding = true;
      try {
        logger.emit({
          severityNumber,
          severityText,
          body: format(...args),
          attributes: { 'log.source': 'console' },
        });
      } finally {
        forwarding = false;
      }
    };
    originals.set(method, original);
    replacements.set(method, replacement);
    console[method] = replacement;
  }
  return () => {
    for (const [method, original] of originals) {
      if (console[method] === replacements.get(method)) console[method] = original;
    }
  };
}
