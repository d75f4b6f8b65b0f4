import { activeSpanContext } from './activeSpanContext.js';
import { randomTraceId } from './ids.js';

/**
 * A 32-lowercase-hex correlation id: the active trace's id when a span is active (so workflow rows,
 * logs and spans join on it), otherwise a fresh random 128-bit id. Never all zeros.
 */
export function generateCorrelationId(): string {
  return activeSpanContext()?.traceId ?? randomTraceId();
}
