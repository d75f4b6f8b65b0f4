import { type Clock, systemClock } from '../../clock.js';
import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { type Silence, type SilenceMatcher, validateMatchers } from './Silence.js';

/** What `createSilence` takes. */
export interface NewSilence {
  matchers: SilenceMatcher[];
  /** Default: now. */
  startsAt?: Date;
  endsAt: Date;
  createdBy: string;
  comment?: string;
}

interface SilenceRow {
  id: number;
  matchers: SilenceMatcher[];
  starts_at: Date;
  ends_at: Date;
  created_by: string;
  comment: string;
  created_at: Date;
}

const COLUMNS = 'id, matchers, starts_at, ends_at, created_by, comment, created_at';

function toSilence(row: SilenceRow): Silence {
  return {
    id: row.id,
    matchers: row.matchers,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    createdBy: row.created_by,
    comment: row.comment,
    createdAt: row.created_at,
  };
}

/** Stores a silence: matching alerts still change state and are recorded, but do not notify. */
export async function createSilence(
  db: DatabaseSession,
  input: NewSilence,
  clock: Clock = systemClock,
): Promise<Silence> {
  const matchers = validateMatchers(input.matchers);
  const now = clock.now();
  const startsAt = input.startsAt ?? new Date(now);
  if (!(input.endsAt instanceof Date) || Number.isNaN(input.endsAt.getTime()) || input.endsAt <= startsAt) {
    throw new ValidationError('A silence must end after it starts (endsAt > startsAt).');
  }
  if (typeof input.createdBy !== 'string' || input.createdBy.trim() === '') {
    throw new ValidationError('A silence needs createdBy (who silenced it).');
  }
  const result = await db.query<SilenceRow>(
    `INSERT INTO ${db.table('alert_silences')} (matchers, starts_at, ends_at, created_by, comment, created_at)
     VALUES ($1::jsonb, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [toJsonText(matchers), startsAt, input.endsAt, input.createdBy, input.comment ?? '', new Date(now)],
  );
  return toSilence(result.rows[0]!);
}

/** Ends a silence now (it stays listed as expired). */
export async function expireSilence(
  db: DatabaseSession,
  id: number,
  clock: Clock = systemClock,
): Promise<Silence> {
  const now = new Date(clock.now());
  const result = await db.query<SilenceRow>(
    `UPDATE ${db.table('alert_silences')} SET ends_at = GREATEST(starts_at + interval '1 millisecond', LEAST(ends_at, $2))
      WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, now],
  );
  if (!result.rows[0]) throw new NotFoundError(`Silence ${id} not found.`);
  return toSilence(result.rows[0]);
}

/** Silences not yet ended at `now` (active and future), or all with `includeExpired`. */
export async function listSilences(
  db: DatabaseSession,
  options: { clock?: Clock; includeExpired?: boolean } = {},
): Promise<Silence[]> {
  const now = new Date((options.clock ?? systemClock).now());
  const result = await db.query<SilenceRow>(
    `SELECT ${COLUMNS} FROM ${db.table('alert_silences')} WHERE $1 OR ends_at > $2 ORDER BY starts_at, id`,
    [options.includeExpired ?? false, now],
  );
  return result.rows.map(toSilence);
}
