import type { DatabaseSession } from '../db/Database.js';

// The writes of the tracker, each ONE statement: the state change, its history entry and its
// idempotency record commit together or not at all, even if the process dies mid-way.

/** $1 id, $2 correlation, $3 type, $4 phase, $5 metadata, $6 now, $7 deadline, $8 heartbeat limit,
 *  $9 due, $10 actor, $11 reason, $12 trace id, $13 span id. */
export function createStatement(db: DatabaseSession): string {
  return `WITH created AS (
    INSERT INTO ${db.table('workflow_state')} (workflow_id, correlation_id, workflow_type, current_phase,
      status, created_at, updated_at, metadata, version, phase_entered_at, deadline_at, heartbeat_timeout_ms,
      due_at, last_actor, last_reason, last_trace_id, last_span_id)
    VALUES ($1::uuid, $2::text, $3::text, $4::text, 'pending', $6::timestamptz, $6::timestamptz, $5::jsonb, 1,
      $6::timestamptz, $7::timestamptz, $8::integer, $9::timestamptz, $10::text, $11::text, $12::text, $13::text)
    RETURNING *
  ), logged AS (
    INSERT INTO ${db.table('workflow_history')} (workflow_id, version, event, to_status, to_phase, at, actor,
      reason, metadata, trace_id, span_id)
    SELECT workflow_id, version, 'created', status, current_phase, $6::timestamptz, last_actor, last_reason,
      $5::jsonb, last_trace_id, last_span_id FROM created
  )
  SELECT * FROM created`;
}

/** The guarded transition: applies only if the workflow is still at version $2.
 *  $1 id, $2 version read, $3 status, $4 phase, $5 metadata patch, $6 now, $7 phase entered,
 *  $8 heartbeat, $9 deadline, $10 heartbeat limit, $11 due, $12 closed, $13 actor, $14 reason,
 *  $15 error, $16 trace id, $17 span id, $18 from status, $19 from phase, $20 idempotency key,
 *  $21 request hash. */
export function transitionStatement(db: DatabaseSession): string {
  return `WITH updated AS (
    UPDATE ${db.table('workflow_state')} SET status = $3::text, current_phase = $4::text,
      metadata = metadata || $5::jsonb, version = version + 1, updated_at = $6::timestamptz,
      phase_entered_at = $7::timestamptz, heartbeat_at = $8::timestamptz, deadline_at = $9::timestamptz,
      heartbeat_timeout_ms = $10::integer, due_at = $11::timestamptz, closed_at = $12::timestamptz,
      stuck = false, stuck_since = NULL, last_actor = $13::text, last_reason = $14::text,
      last_error = coalesce($15::text, last_error), last_trace_id = $16::text, last_span_id = $17::text
    WHERE workflow_id = $1::uuid AND version = $2::integer
    RETURNING *
  ), logged AS (
    INSERT INTO ${db.table('workflow_history')} (workflow_id, version, event, from_status, to_status,
      from_phase, to_phase, at, actor, reason, error, metadata, trace_id, span_id, idempotency_key)
    SELECT workflow_id, version, 'transition', $18::text, status, $19::text, current_phase, $6::timestamptz,
      $13::text, $14::text, $15::text, $5::jsonb, $16::text, $17::text, $20::text FROM updated
  ), remembered AS (
    INSERT INTO ${db.table('workflow_idempotency')} (workflow_id, idempotency_key, request_hash, result, created_at)
    SELECT workflow_id, $20::text, $21::text, to_jsonb(updated), $6::timestamptz FROM updated
     WHERE $20::text IS NOT NULL
  )
  SELECT * FROM updated`;
}

/** The workflow and, when $2 is a key it has seen, the remembered request hash and result. */
export function readStatement(db: DatabaseSession): string {
  return `SELECT w.*, i.request_hash AS idempotent_hash, i.result AS idempotent_result
    FROM ${db.table('workflow_state')} w
    LEFT JOIN ${db.table('workflow_idempotency')} i
      ON i.workflow_id = w.workflow_id AND i.idempotency_key = $2::text
   WHERE w.workflow_id = $1::uuid`;
}

/** $1 id, $2 now. Open workflows only; a heartbeat also clears the stuck mark. */
export function heartbeatStatement(db: DatabaseSession): string {
  return `UPDATE ${db.table('workflow_state')}
     SET heartbeat_at = $2::timestamptz, stuck = false, stuck_since = NULL,
         due_at = CASE WHEN heartbeat_timeout_ms IS NULL THEN deadline_at
                       ELSE least(deadline_at, $2::timestamptz + heartbeat_timeout_ms * interval '1 millisecond') END
   WHERE workflow_id = $1::uuid AND status IN ('pending', 'running')
   RETURNING *`;
}
