-- Health state transitions: a check or a probe changing status, so "when was this pod not ready,
-- and why" is one query. Written in batches by HealthTransitionStore; month-partitioned like the
-- other time series and dropped by retention.
CREATE TABLE health_transitions (
  id          bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at timestamptz NOT NULL,
  -- Host or pod name of the process that saw the change.
  instance    text NOT NULL,
  kind        text NOT NULL CHECK (kind IN ('check', 'probe')),
  -- Check name, or liveness / readiness / startup.
  subject     text NOT NULL,
  from_status text NOT NULL CHECK (from_status IN ('unknown', 'pass', 'warn', 'fail')),
  to_status   text NOT NULL CHECK (to_status IN ('pass', 'warn', 'fail')),
  message     text NOT NULL,
  PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE TABLE health_transitions_default PARTITION OF health_transitions DEFAULT;
CREATE INDEX health_transitions_subject_idx ON health_transitions (subject, occurred_at DESC);
CREATE INDEX health_transitions_at_idx ON health_transitions (occurred_at DESC);

INSERT INTO partitioned_tables VALUES ('health_transitions', 'occurred_at', 30);
