import { type Clock, systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { StoredAlert } from './Alert.js';
import { ALERT_COLUMNS, toStoredAlert } from './getRecentAlerts.js';

/**
 * Marks alert `id` acknowledged by `by` (its acknowledged_at/acknowledged_by). Acknowledging
 * again keeps the first acknowledgement. An acknowledged rule alert stops repeating until it resolves.
 */
export async function acknowledgeAlert(
  db: DatabaseSession,
  id: number,
  by: string,
  clock: Clock = systemClock,
): Promise<StoredAlert> {
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new ValidationError(`alert id must be a positive whole number (got ${id}).`);
  if (typeof by !== 'string' || by.trim() === '')
    throw new ValidationError('acknowledged by must be a non-empty string.');
  const result = await db.query<Parameters<typeof toStoredAlert>[0]>(
    `UPDATE ${db.table('alerts')}
        SET acknowledged_at = COALESCE(acknowledged_at, $2), acknowledged_by = COALESCE(acknowledged_by, $3)
      WHERE id = $1 RETURNING ${ALERT_COLUMNS}`,
    [id, new Date(clock.now()), by],
  );
  const row = result.rows[0];
  if (!row) throw new NotFoundError(`Alert ${id} not found.`);
  return toStoredAlert(row);
}
