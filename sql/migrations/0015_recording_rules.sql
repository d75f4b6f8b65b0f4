-- Recording rules of the rule file (`record:` + `expr:`): each is evaluated on its group's interval
-- and its result stored as Prometheus samples (`metrics` rows of type 'sample') named `record`, the
-- storage remote write uses, so PromQL and the Prometheus HTTP API read them like any series.
-- A group's rules are claimed together (FOR UPDATE SKIP LOCKED) and run in `position` order, so a
-- rule reads what the rules before it recorded; each evaluation is at a time aligned to the interval,
-- and metrics_sample_key keeps one sample per series and time however many processes evaluate.
CREATE TABLE recording_rules (
  rule_group   text NOT NULL,
  -- The rule's index among the group's rules in the file.
  position     integer NOT NULL CHECK (position >= 0),
  record       text NOT NULL,
  expr         text NOT NULL,
  labels       jsonb NOT NULL DEFAULT '{}',
  interval_ms  integer NOT NULL CHECK (interval_ms > 0),
  next_eval_at timestamptz NOT NULL,
  last_eval_at timestamptz,
  last_error   text,
  evaluations  bigint NOT NULL DEFAULT 0,
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (rule_group, position)
);

CREATE INDEX recording_rules_due_idx ON recording_rules (next_eval_at);
