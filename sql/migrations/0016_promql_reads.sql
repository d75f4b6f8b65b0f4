-- Prometheus samples read straight off one index: the sample key carries each sample's value and
-- staleness flag, so the PromQL engine reads a series' samples in a time range as an index-only scan
-- (no visit to the table once autovacuum has marked its pages all-visible).
CREATE UNIQUE INDEX metrics_sample_points ON metrics (series_id, recorded_at) INCLUDE (metric_value, stale)
  WHERE metric_type = 'sample';
DROP INDEX metrics_sample_key;

-- An explicit-bucket histogram's buckets as received, beside the sketch made of them (NULL for other
-- rows): upper bounds without the last (+Inf) bucket, and the observations of the row's interval per
-- bucket. PromQL reads them as Prometheus's `_bucket` series with their `le` labels.
ALTER TABLE metrics
  ADD COLUMN bucket_bounds double precision[],
  ADD COLUMN bucket_counts bigint[],
  ADD CONSTRAINT metrics_bucket_shape CHECK (cardinality(bucket_counts) = cardinality(bucket_bounds) + 1);
