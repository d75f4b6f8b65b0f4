import { ValidationError } from '../../errors.js';
import { assertSeverity } from '../Severity.js';
import type { Alert } from './Alert.js';

/** Throws a ValidationError naming the bad field; returns the alert with metadata defaulted to {}. */
export function validateAlert(alert: Alert): Alert {
  if (alert === null || typeof alert !== 'object') throw new ValidationError('alert must be an object.');
  for (const field of ['alertType', 'title', 'message'] as const) {
    if (typeof alert[field] !== 'string' || alert[field].trim() === '') {
      throw new ValidationError(
        `alert.${field} must be a non-empty string (got ${JSON.stringify(alert[field])}).`,
      );
    }
  }
  assertSeverity(alert.severity, 'alert.severity');
  const metadata = alert.metadata ?? {};
  if (typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new ValidationError('alert.metadata must be an object.');
  }
  return { ...alert, metadata };
}
