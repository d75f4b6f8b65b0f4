-- Alerts: the alerts table of 0001_base_tables extended, rules with persisted per-instance state,
-- state history, silences and a transactional notification outbox. Times come from pgtel's clock,
-- never now().

ALTER TABLE alerts
  ADD COLUMN fingerprint text,
  ADD COLUMN rule_name   text,
  ADD COLUMN labels      jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN resolved_at timestamptz;
CREATE INDEX alerts_type_severity_idx ON alerts (alert_type, severity, triggered_at DESC);
CREATE INDEX alerts_fingerprint_idx ON alerts (fingerprint, triggered_at DESC) WHERE fingerprint IS NOT NULL;

CREATE TABLE alert_rules (
  name          text PRIMARY KEY CHECK (name <> ''),
  definition    jsonb NOT NULL,
  interval_ms   integer NOT NULL CHECK (interval_ms > 0),
  enabled       boolean NOT NULL DEFAULT true,
  next_eval_at  timestamptz NOT NULL,
  last_eval_at  timestamptz,
  last_error    text,
  evaluations   bigint NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX alert_rules_due_idx ON alert_rules (next_eval_at) WHERE enabled;

-- One row per alert instance (rule + labels); the state machine resumes from it after a restart.
CREATE TABLE alert_instances (
  rule_name              text NOT NULL REFERENCES alert_rules (name) ON DELETE CASCADE,
  fingerprint            text NOT NULL,
  -- series_labels: the labels of the source row (what the fingerprint covers); labels: as notified.
  series_labels          jsonb NOT NULL,
  labels                 jsonb NOT NULL,
  annotations            jsonb NOT NULL DEFAULT '{}'::jsonb,
  state                  text NOT NULL
                         CHECK (state IN ('inactive', 'pending', 'firing', 'resolved', 'nodata', 'error')),
  severity               text CHECK (severity IN ('critical', 'warning', 'info')),
  value                  double precision,
  active_since           timestamptz,
  firing_since           timestamptz,
  last_condition_at      timestamptz,
  keep_firing_since      timestamptz,
  resolved_at            timestamptz,
  last_notified_at       timestamptz,
  last_notified_status   text CHECK (last_notified_status IN ('firing', 'resolved')),
  last_notified_severity text CHECK (last_notified_severity IN ('critical', 'warning', 'info')),
  state_changes          jsonb NOT NULL DEFAULT '[]'::jsonb,
  flapping               boolean NOT NULL DEFAULT false,
  alert_id               bigint REFERENCES alerts (id) ON DELETE SET NULL,
  last_error             text,
  updated_at             timestamptz NOT NULL,
  PRIMARY KEY (rule_name, fingerprint)
);
CREATE INDEX alert_instances_state_idx ON alert_instances (state);

-- Every state change of every instance, with the value (or error) that caused it.
CREATE TABLE alert_history (
  id          bigserial PRIMARY KEY,
  rule_name   text NOT NULL,
  fingerprint text NOT NULL,
  labels      jsonb NOT NULL,
  from_state  text NOT NULL,
  to_state    text NOT NULL,
  severity    text,
  value       double precision,
  error       text,
  changed_at  timestamptz NOT NULL
);
CREATE INDEX alert_history_fingerprint_idx ON alert_history (fingerprint, changed_at DESC);
CREATE INDEX alert_history_changed_idx ON alert_history (changed_at DESC);

-- Matchers are [{"name", "value", "op"}] with op one of =, !=, =~, !~ (Alertmanager's).
CREATE TABLE alert_silences (
  id         bigserial PRIMARY KEY,
  matchers   jsonb NOT NULL CHECK (jsonb_typeof(matchers) = 'array' AND jsonb_array_length(matchers) > 0),
  starts_at  timestamptz NOT NULL,
  ends_at    timestamptz NOT NULL,
  created_by text NOT NULL,
  comment    text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  CHECK (ends_at > starts_at)
);
CREATE INDEX alert_silences_ends_idx ON alert_silences (ends_at);

-- Written in the same transaction as the state that caused it. Workers claim due rows with SKIP LOCKED
-- and a lease (a 'sending' row's next_attempt_at is the lease end), so a killed worker's rows are sent
-- again, with the same idempotency key.
CREATE TABLE alert_outbox (
  id              bigserial PRIMARY KEY,
  notifier        text NOT NULL,
  idempotency_key text NOT NULL,
  group_key       text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz,
  UNIQUE (notifier, idempotency_key)
);
CREATE INDEX alert_outbox_due_idx ON alert_outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE INDEX alert_outbox_group_idx ON alert_outbox (group_key, created_at DESC);
