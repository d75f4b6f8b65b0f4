-- The four tables of the system pgtel grows from, with their names and columns kept.
-- Runs with search_path set to pgtel's schema; every time is timestamptz.

CREATE TABLE workflow_state (
  workflow_id    uuid PRIMARY KEY,
  correlation_id text NOT NULL,
  workflow_type  text NOT NULL,
  current_phase  text,
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'completed', 'failed', 'cancelled')),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  metadata       jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX workflow_state_correlation_idx ON workflow_state (correlation_id);
CREATE INDEX workflow_state_status_idx ON workflow_state (status, created_at DESC);

-- Range-partitioned by month (UTC bounds); the partition manager creates the months and the
-- default partition catches rows of months that have none yet, so no row is ever refused.
CREATE TABLE metrics (
  id           bigserial,
  metric_name  text NOT NULL,
  metric_value double precision NOT NULL,
  metric_type  text NOT NULL CHECK (metric_type IN ('counter', 'gauge', 'histogram')),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  labels       jsonb NOT NULL DEFAULT '{}'::jsonb
) PARTITION BY RANGE (recorded_at);
CREATE TABLE metrics_default PARTITION OF metrics DEFAULT;
CREATE INDEX metrics_name_time_idx ON metrics (metric_name, recorded_at DESC);
CREATE INDEX metrics_labels_idx ON metrics USING gin (labels);

-- The primary key includes start_time because a partitioned table's keys must hold its partition key.
CREATE TABLE spans (
  trace_id       text NOT NULL,
  span_id        text NOT NULL,
  parent_span_id text,
  operation_name text NOT NULL,
  service_name   text NOT NULL,
  start_time     timestamptz NOT NULL,
  end_time       timestamptz NOT NULL,
  duration_ms    double precision NOT NULL,
  attributes     jsonb NOT NULL DEFAULT '{}'::jsonb,
  status         text NOT NULL DEFAULT 'unset',
  PRIMARY KEY (trace_id, span_id, start_time)
) PARTITION BY RANGE (start_time);
CREATE TABLE spans_default PARTITION OF spans DEFAULT;
CREATE INDEX spans_start_idx ON spans (start_time DESC);

CREATE TABLE alerts (
  id              bigserial PRIMARY KEY,
  alert_type      text NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('critical', 'warning', 'info')),
  title           text NOT NULL,
  message         text NOT NULL,
  triggered_at    timestamptz NOT NULL DEFAULT now(),
  acknowledged_at timestamptz,
  acknowledged_by text,
  metadata        jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX alerts_triggered_idx ON alerts (triggered_at DESC);

-- Time-partitioned tables the partition manager maintains; later migrations register theirs.
CREATE TABLE partitioned_tables (
  table_name             text PRIMARY KEY,
  time_column            text NOT NULL,
  default_retention_days integer NOT NULL CHECK (default_retention_days > 0)
);
INSERT INTO partitioned_tables VALUES ('metrics', 'recorded_at', 90), ('spans', 'start_time', 30);
