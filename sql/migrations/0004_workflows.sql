-- Workflow state tracking: the workflow_state table of 0001_base_tables extended for guarded
-- transitions, deadlines, heartbeats and stuck detection; an append-only, month-partitioned history;
-- idempotency keys; views for phase durations, humans and alert rules.

ALTER TABLE workflow_state
  -- Bumped by every transition; guards against lost updates (compare-and-set).
  ADD COLUMN version              integer NOT NULL DEFAULT 1,
  -- When the workflow entered its current (status, phase); deadlines count from here.
  ADD COLUMN phase_entered_at     timestamptz NOT NULL DEFAULT now(),
  -- Last sign of life in the current phase; NULL until the first heartbeat.
  ADD COLUMN heartbeat_at         timestamptz,
  -- Hard deadline of the current phase, NULL when the phase has none.
  ADD COLUMN deadline_at          timestamptz,
  -- Longest silence allowed between heartbeats in the current phase, NULL when unchecked.
  ADD COLUMN heartbeat_timeout_ms integer CHECK (heartbeat_timeout_ms > 0),
  -- The earlier of deadline_at and the heartbeat deadline: the one column the sweep scans.
  ADD COLUMN due_at               timestamptz,
  ADD COLUMN stuck                boolean NOT NULL DEFAULT false,
  ADD COLUMN stuck_since          timestamptz,
  ADD COLUMN last_actor           text,
  ADD COLUMN last_reason          text,
  ADD COLUMN last_error           text,
  ADD COLUMN last_trace_id        text,
  ADD COLUMN last_span_id         text,
  -- Set when the workflow reaches a terminal status; retention counts from here.
  ADD COLUMN closed_at            timestamptz;

-- Rows written before this migration: closed when terminal, in their phase since the last update.
UPDATE workflow_state
   SET closed_at = CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN updated_at END,
       phase_entered_at = updated_at;

ALTER TABLE workflow_state
  ADD CONSTRAINT workflow_state_closed_check
  CHECK ((status IN ('completed', 'failed', 'cancelled')) = (closed_at IS NOT NULL));

CREATE INDEX workflow_state_due_idx ON workflow_state (due_at)
  WHERE status IN ('pending', 'running') AND NOT stuck;
CREATE INDEX workflow_state_closed_idx ON workflow_state (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX workflow_state_type_idx ON workflow_state (workflow_type, created_at DESC);

-- One row per state change (and per stuck mark), written in the same statement as the change.
-- `version` is the workflow's version after the entry: created = 1, then 2, 3... without gaps.
CREATE TABLE workflow_history (
  id             bigserial,
  workflow_id    uuid NOT NULL,
  version        integer NOT NULL,
  event          text NOT NULL CHECK (event IN ('created', 'transition', 'stuck')),
  from_status    text,
  to_status      text NOT NULL,
  from_phase     text,
  to_phase       text,
  at             timestamptz NOT NULL,
  actor          text,
  reason         text,
  error          text,
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb,
  trace_id       text,
  span_id        text,
  idempotency_key text,
  PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE TABLE workflow_history_default PARTITION OF workflow_history DEFAULT;
CREATE INDEX workflow_history_workflow_idx ON workflow_history (workflow_id, version);
CREATE INDEX workflow_history_at_idx ON workflow_history (at DESC);

-- Closed workflows are removed row by row by workflow retention (which never touches open ones);
-- dropping whole months is only a backstop, hence the long default.
INSERT INTO partitioned_tables VALUES ('workflow_history', 'at', 3650);

-- A retried transition with the same key returns the first result instead of applying twice.
CREATE TABLE workflow_idempotency (
  workflow_id     uuid NOT NULL REFERENCES workflow_state (workflow_id) ON DELETE CASCADE,
  idempotency_key text NOT NULL,
  request_hash    text NOT NULL,
  result          jsonb NOT NULL,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (workflow_id, idempotency_key)
);

-- Time spent in each phase. A phase interval starts at creation or at a phase change and ends at
-- the next phase change or at the terminal status; left_at and duration_ms are NULL while open.
CREATE VIEW workflow_phase_durations AS
WITH boundaries AS (
  SELECT workflow_id, version, to_phase, to_status, at
    FROM workflow_history
   WHERE event = 'created'
      OR (event = 'transition' AND (to_phase IS DISTINCT FROM from_phase
                                    OR to_status IN ('completed', 'failed', 'cancelled')))
), spans AS (
  SELECT b.*, lead(at) OVER (PARTITION BY workflow_id ORDER BY version) AS left_at
    FROM boundaries b
)
SELECT workflow_id, to_phase AS phase, version AS entered_version, at AS entered_at, left_at,
       EXTRACT(EPOCH FROM (left_at - at)) * 1000 AS duration_ms
  FROM spans
 WHERE to_status NOT IN ('completed', 'failed', 'cancelled');

-- For people reading the database: where each workflow is, for how long, and what went wrong last.
CREATE VIEW workflow_overview AS
SELECT workflow_id, workflow_type, correlation_id, status, current_phase,
       date_trunc('second', now() - phase_entered_at) AS age_in_state,
       due_at AS deadline,
       (status IN ('pending', 'running') AND due_at < now()) AS overdue,
       stuck, stuck_since, last_actor, last_error, last_reason, version, updated_at, created_at
  FROM workflow_state;

-- Counts per type for alert rules and dashboards.
CREATE VIEW workflow_counts AS
SELECT workflow_type, status, count(*) AS workflows,
       count(*) FILTER (WHERE stuck) AS stuck,
       count(*) FILTER (WHERE status IN ('pending', 'running') AND due_at < now()) AS overdue
  FROM workflow_state
 GROUP BY workflow_type, status;
