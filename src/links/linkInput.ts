import { ValidationError } from '../errors.js';

// Links read other folders' tables through SQL only, so the id checks live here too.
const TRACE_ID = /^[0-9a-f]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A trace id, lowered: 32 hex characters, not all zeros; anything else is a ValidationError. */
export function parseLinkTraceId(id: unknown): string {
  const lowered = typeof id === 'string' ? id.toLowerCase() : '';
  if (!TRACE_ID.test(lowered) || /^0+$/.test(lowered))
    throw new ValidationError(
      `Trace id must be 32 hex characters, not all zeros (got ${JSON.stringify(id)?.slice(0, 80)})`,
    );
  return lowered;
}

/** A workflow id, lowered: a UUID such as 0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b. */
export function parseLinkWorkflowId(id: unknown): string {
  const lowered = typeof id === 'string' ? id.toLowerCase() : '';
  if (!UUID.test(lowered))
    throw new ValidationError(
      `Workflow id must be a UUID such as 0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b (got ${JSON.stringify(id)?.slice(0, 80)})`,
    );
  return lowered;
}

/** An alert id (`alerts.id`, one firing episode): a positive whole number. */
export function parseLinkAlertId(id: unknown): number {
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1)
    throw new ValidationError(`Alert id must be a positive whole number (got ${JSON.stringify(id)})`);
  return id;
}

/** A whole number in [1, max], `fallback` when undefined. */
export function parseLinkLimit(limit: unknown, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > max)
    throw new ValidationError(`limit must be a whole number from 1 to ${max} (got ${JSON.stringify(limit)})`);
  return limit;
}
