-- Links between the signals: exemplars tie metric rows to the traces behind them, traces tie to
-- workflows through correlation ids and history, and alerts record the traces and workflows their
-- evaluation involved. Every link is a plain column or row, so each question is one indexed query.

-- A bounded sample of the observations of a series' interval made inside a recorded span (highest
-- values favoured): [{"trace_id", "span_id", "value", "observed_at", "attributes"?}]. NULL when none.
ALTER TABLE metrics ADD COLUMN exemplars jsonb;
ALTER TABLE metrics_hourly ADD COLUMN exemplars jsonb;
-- "The traces behind the slowest observations of a metric in a window" reads only rows with exemplars.
CREATE INDEX metrics_exemplar_time_idx ON metrics (metric_name, recorded_at DESC) WHERE exemplars IS NOT NULL;

-- One row per exemplar.
CREATE VIEW metric_exemplars AS
SELECT m.metric_name, m.metric_type, m.labels, m.recorded_at,
       e.trace_id, e.span_id, e.value, e.observed_at, coalesce(e.attributes, '{}'::jsonb) AS attributes
  FROM metrics m
 CROSS JOIN LATERAL jsonb_to_recordset(m.exemplars)
       AS e(trace_id text, span_id text, value double precision, observed_at timestamptz, attributes jsonb)
 WHERE m.exemplars IS NOT NULL;

-- A workflow belongs to the trace it was created in (its correlation id) and to every trace that
-- changed its state (workflow_history.trace_id).
CREATE INDEX workflow_history_trace_idx ON workflow_history (trace_id) WHERE trace_id IS NOT NULL;

CREATE VIEW workflow_traces AS
SELECT workflow_id, trace_id, min(at) AS first_seen_at, max(at) AS last_seen_at
  FROM (SELECT workflow_id, correlation_id AS trace_id, created_at AS at FROM workflow_state
        UNION ALL
        SELECT workflow_id, trace_id, at FROM workflow_history WHERE trace_id IS NOT NULL) AS t
 GROUP BY workflow_id, trace_id;

-- What an alert's evaluation involved while it fired: the traces of the exemplars behind its value,
-- the traces and workflows named by a SQL rule's result columns. One row per alert episode and link.
CREATE TABLE alert_links (
  alert_id      bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  link_kind     text NOT NULL CHECK (link_kind IN ('trace', 'workflow')),
  link_id       text NOT NULL,
  -- The observed value that linked it (an exemplar's value), when there is one.
  value         double precision,
  first_seen_at timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL,
  PRIMARY KEY (alert_id, link_kind, link_id)
);
CREATE INDEX alert_links_target_idx ON alert_links (link_kind, link_id);
