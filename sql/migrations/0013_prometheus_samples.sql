-- Prometheus samples (remote write) in the one metric model: a remote-written series is a
-- metric_series row (metric_name = __name__, labels = the other labels, no service, resource or
-- scope) and each sample a `metrics` row of type 'sample': a raw value of a Prometheus series, typed
-- (counter, gauge...) only by the metadata of its metric family.

ALTER TABLE metrics DROP CONSTRAINT metrics_metric_type_check;
ALTER TABLE metrics ADD CONSTRAINT metrics_metric_type_check
  CHECK (metric_type IN ('counter', 'gauge', 'histogram', 'sample'));

-- A staleness marker (Prometheus's StaleNaN: the series ended there). Its metric_value is NaN; a real
-- NaN sample has stale = false, so the two stay apart once stored.
ALTER TABLE metrics ADD COLUMN stale boolean NOT NULL DEFAULT false;

-- A sample's natural key is (series, timestamp): a resent sample is skipped, never stored twice
-- (metrics_point_key cannot tell, as a sample has no start_time).
CREATE UNIQUE INDEX metrics_sample_key ON metrics (series_id, recorded_at) WHERE metric_type = 'sample';

-- What remote write says of each metric family: its type, help and unit (the latest sent wins).
CREATE TABLE prometheus_metadata (
  metric_family_name text PRIMARY KEY,
  -- Lower case as in the exposition format: counter, gauge, histogram, gaugehistogram, summary,
  -- info, stateset or unknown.
  metric_type        text NOT NULL DEFAULT 'unknown',
  help               text NOT NULL DEFAULT '',
  unit               text NOT NULL DEFAULT '',
  updated_at         timestamptz NOT NULL DEFAULT now()
);
