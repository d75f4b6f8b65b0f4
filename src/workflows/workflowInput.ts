import { ValidationError } from '../errors.js';
import { isValidTraceId } from '../tracing/ids.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `id` is a workflow id (a UUID, any case). */
export function isWorkflowId(id: unknown): id is string {
  return typeof id === 'string' && UUID.test(id);
}

/** A workflow id in canonical lowercase UUID form; anything else is a ValidationError. */
export function parseWorkflowId(id: unknown): string {
  if (!isWorkflowId(id))
    throw new ValidationError(
      `Workflow id must be a UUID such as 0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b (got ${JSON.stringify(id)}).`,
    );
  return id.toLowerCase();
}

/**
 * A correlation id: 32 hex characters, not all zeros, so it can serve as a W3C trace id.
 * Upper case is accepted and lowered; anything else is a ValidationError.
 */
export function parseCorrelationId(id: unknown): string {
  const lowered = typeof id === 'string' ? id.toLowerCase() : id;
  if (typeof lowered !== 'string' || !isValidTraceId(lowered))
    throw new ValidationError(
      `Correlation id must be 32 hex characters and not all zeros, like a trace id (got ${JSON.stringify(id)}); ` +
        'generateCorrelationId() makes one.',
    );
  return lowered;
}

/** A short label (type, phase, actor, reason, idempotency key): a non-empty string up to `max` chars. */
export function parseLabel(what: string, value: unknown, max = 200): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || value.includes('\0'))
    throw new ValidationError(
      `${what} must be a non-empty string of at most ${max} characters without NUL (got ${JSON.stringify(value)?.slice(0, 80)}).`,
    );
  return value;
}

/** Like {@link parseLabel} but undefined and null pass through as null. */
export function parseOptionalLabel(what: string, value: unknown, max = 200): string | null {
  return value == null ? null : parseLabel(what, value, max);
}
