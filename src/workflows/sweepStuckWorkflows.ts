import { type Clock, systemClock } from '../clock.js';
import type { Database } from '../db/Database.js';
import { ValidationError } from '../errors.js';
import { toWorkflow, type Workflow } from './Workflow.js';

/** Options of `sweepStuckWorkflows`. */
export interface SweepOptions {
  /** Source of time. Default: the system clock. */
  clock?: Clock;
  /** Also transition stuck workflows to `failed` with reason `timeout` (default false: only mark them). */
  failStuck?: boolean;
  /** Workflows handled per call (default 500); call again while `swept` equals it. */
  batchSize?: number;
  /** Actor recorded on the history entries (default `pgtel:sweep`). */
  actor?: string;
  /** Only sweep workflows of this type (default: all types). */
  type?: string;
}

/** What `sweepStuckWorkflows` found and marked. */
export interface SweepResult {
  /** Workflows found past their deadline by this call. */
  swept: Workflow[];
  /** How many of them were failed (with `failStuck`). */
  failed: number;
}

/**
 * Marks open workflows past their phase deadline or heartbeat limit as stuck, appends a `stuck`
 * event to their history (and, with `failStuck`, fails them with reason `timeout`, which adds a
 * `transition` entry and bumps the version). Safe on several processes at once: each claims its
 * rows with FOR UPDATE SKIP LOCKED, so no workflow is swept twice.
 */
export async function sweepStuckWorkflows(db: Database, options: SweepOptions = {}): Promise<SweepResult> {
  const batchSize = options.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new ValidationError(`batchSize must be a whole number above 0 (got ${batchSize}).`);
  const now = new Date((options.clock ?? systemClock).now());
  const fail = options.failStuck === true;
  const state = db.table('workflow_state');
  const history = db.table('workflow_history');
  const result = await db.query(
    `WITH due AS (
       SELECT workflow_id, version, status, current_phase,
              CASE WHEN deadline_at IS NOT NULL AND deadline_at <= $1::timestamptz
                   THEN 'phase deadline passed at ' || to_char(deadline_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                   ELSE 'no heartbeat for ' || heartbeat_timeout_ms || ' ms' END AS why
         FROM ${state}
        WHERE status IN ('pending', 'running') AND NOT stuck AND due_at <= $1::timestamptz
          AND ($5::text IS NULL OR workflow_type = $5::text)
        ORDER BY due_at LIMIT $2::integer
        FOR UPDATE SKIP LOCKED
     ), marked AS (
       UPDATE ${state} w SET stuck = true, stuck_since = $1::timestamptz,
              status = CASE WHEN $3::boolean THEN 'failed' ELSE w.status END,
              version = CASE WHEN $3::boolean THEN w.version + 1 ELSE w.version END,
              closed_at = CASE WHEN $3::boolean THEN $1::timestamptz END,
              due_at = CASE WHEN $3::boolean THEN NULL ELSE w.due_at END,
              updated_at = CASE WHEN $3::boolean THEN $1::timestamptz ELSE w.updated_at END,
              last_error = CASE WHEN $3::boolean THEN 'timeout: ' || due.why ELSE w.last_error END,
              last_reason = CASE WHEN $3::boolean THEN 'timeout' ELSE w.last_reason END,
              last_actor = CASE WHEN $3::boolean THEN $4::text ELSE w.last_actor END
         FROM due WHERE w.workflow_id = due.workflow_id
       RETURNING w.*, due.version AS old_version, due.status AS old_status, due.why
     ), stuck_events AS (
       INSERT INTO ${history} (workflow_id, version, event, from_status, to_status, from_phase, to_phase, at,
                               actor, reason, error)
       SELECT workflow_id, old_version, 'stuck', old_status, old_status, current_phase, current_phase,
              $1::timestamptz, $4::text, 'stuck', why FROM marked
     ), timeouts AS (
       INSERT INTO ${history} (workflow_id, version, event, from_status, to_status, from_phase, to_phase, at,
                               actor, reason, error)
       SELECT workflow_id, version, 'transition', old_status, status, current_phase, current_phase,
              $1::timestamptz, $4::text, 'timeout', why FROM marked WHERE $3::boolean
     )
     SELECT * FROM marked ORDER BY due_at NULLS LAST, workflow_id`,
    [now, batchSize, fail, options.actor ?? 'pgtel:sweep', options.type ?? null],
  );
  const swept = result.rows.map(toWorkflow);
  return { swept, failed: fail ? swept.length : 0 };
}
