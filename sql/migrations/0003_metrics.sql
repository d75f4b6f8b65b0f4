-- Metrics aggregated in memory and flushed per interval: one row per series and interval carries
-- count/sum/min/max and, for histograms, a log-bucket sketch (sorted bucket keys and their counts;
-- see metric_bucket_key). A row without a sketch is one raw observation (raw mode, older writers).
ALTER TABLE metrics
  ADD COLUMN sample_count  bigint NOT NULL DEFAULT 1,
  ADD COLUMN sample_sum    double precision,
  ADD COLUMN sample_min    double precision,
  ADD COLUMN sample_max    double precision,
  ADD COLUMN sketch_keys   integer[],
  ADD COLUMN sketch_counts bigint[],
  ADD CONSTRAINT metrics_sketch_shape CHECK (cardinality(sketch_keys) = cardinality(sketch_counts));
-- Rollups read whole hours of every metric: BRIN is tiny and rows arrive in time order.
CREATE INDEX metrics_recorded_brin ON metrics USING brin (recorded_at);

-- What each instrument is: kind (up-down counters are stored as counter deltas), unit, description.
CREATE TABLE metric_descriptions (
  metric_name text PRIMARY KEY,
  instrument  text NOT NULL CHECK (instrument IN ('counter', 'updowncounter', 'gauge', 'histogram')),
  unit        text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  raw         boolean NOT NULL DEFAULT false,
  updated_at  timestamptz NOT NULL DEFAULT now()
);

-- One row per series and hour, so a percentile over a month reads ~720 sketches per series.
-- metric_value: counters the sum of deltas, gauges the last value, histograms the mean.
-- raw_count: observations that came from raw rows (an hour made only of them is exact in `metrics`).
CREATE TABLE metrics_hourly (
  metric_name   text NOT NULL,
  metric_type   text NOT NULL,
  labels        jsonb NOT NULL,
  hour          timestamptz NOT NULL,
  metric_value  double precision NOT NULL,
  sample_count  bigint NOT NULL,
  sample_sum    double precision,
  sample_min    double precision,
  sample_max    double precision,
  raw_count     bigint NOT NULL DEFAULT 0,
  sketch_keys   integer[],
  sketch_counts bigint[]
) PARTITION BY RANGE (hour);
CREATE TABLE metrics_hourly_default PARTITION OF metrics_hourly DEFAULT;
CREATE INDEX metrics_hourly_name_hour_idx ON metrics_hourly (metric_name, hour);
CREATE INDEX metrics_hourly_labels_idx ON metrics_hourly USING gin (labels);
INSERT INTO partitioned_tables VALUES ('metrics_hourly', 'hour', 400);

-- Which hours are rolled up. 'dirty': rows arrived late for an already rolled hour; roll it again.
CREATE TABLE metric_rollup_hours (
  hour      timestamptz PRIMARY KEY,
  state     text NOT NULL CHECK (state IN ('done', 'dirty')),
  rolled_at timestamptz,
  series    integer
);

-- Bucket key of a value: buckets grow by gamma = 1.01/0.99 (101/99), so a bucket's representative
-- value is within 1% of every value in it. Keys sort like values; 0 for zero; NULL for NaN/±Infinity.
CREATE FUNCTION metric_bucket_key(value double precision) RETURNS integer
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN value = 0 THEN 0
    WHEN value = 'NaN'::float8 OR abs(value) = 'Infinity'::float8 THEN NULL
    WHEN value > 0 THEN ceil(ln(value) / ln(101::float8 / 99))::integer + 40000
    ELSE -(ceil(ln(-value) / ln(101::float8 / 99))::integer + 40000)
  END
$$;

-- The representative value of a bucket key (exp bounded so the extremes never overflow).
CREATE FUNCTION metric_bucket_value(key integer) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN key = 0 THEN 0::float8 ELSE sign(key) * exp(greatest(-744, least(709.78,
    (abs(key) - 40000) * ln(101::float8 / 99) + ln(2 / (1 + 101::float8 / 99))))) END
$$;

-- The p-quantile of one sketch (keys sorted ascending), interpolated between neighbouring ranks
-- like percentile_cont and clamped to the exact min/max when given. NULL when empty.
CREATE FUNCTION metric_sketch_quantile(keys integer[], counts bigint[], p double precision,
  min_value double precision DEFAULT NULL, max_value double precision DEFAULT NULL)
RETURNS double precision LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
DECLARE
  total numeric;
  rank_ double precision;
  low numeric;
  seen numeric := 0;
  low_value double precision;
  high_value double precision;
  bucket double precision;
BEGIN
  IF p IS NULL OR p = 'NaN'::float8 OR p < 0 OR p > 1 THEN
    RAISE EXCEPTION 'percentile must be between 0 and 1, got %', p USING ERRCODE = '22023';
  END IF;
  SELECT sum(c) INTO total FROM unnest(counts) AS c;
  IF total IS NULL OR total <= 0 THEN RETURN NULL; END IF;
  rank_ := p * (total - 1);
  low := floor(rank_);
  FOR i IN 1 .. cardinality(keys) LOOP
    seen := seen + counts[i];
    IF seen > low THEN
      bucket := least(coalesce(max_value, 'Infinity'), greatest(coalesce(min_value, '-Infinity'),
                      metric_bucket_value(keys[i])));
      IF low_value IS NULL THEN low_value := bucket; END IF;
      IF seen > low + 1 THEN high_value := bucket; EXIT; END IF;
    END IF;
  END LOOP;
  IF low = 0 AND min_value IS NOT NULL THEN low_value := min_value; END IF;
  IF low + 1 >= total - 1 AND max_value IS NOT NULL THEN high_value := max_value; END IF;
  IF low >= total - 1 AND max_value IS NOT NULL THEN low_value := max_value; END IF;
  high_value := coalesce(high_value, low_value) - low_value;
  -- A step too small for float8 is none (and PostgreSQL refuses an underflowing product).
  IF rank_ = low OR high_value = 0 OR ln(abs(high_value)) + ln(rank_ - low) < -700 THEN
    RETURN low_value;
  END IF;
  RETURN low_value + high_value * (rank_ - low);
END
$$;

-- p-quantile of a metric over [from_time, to_time), over series whose labels contain label_filter.
-- Exact (percentile_cont) when the window holds raw observations only; otherwise sketches are merged
-- (hourly rollups for whole rolled-up hours, flushed rows for the rest): within 1% of the exact value.
-- NULL when there is no data; p outside [0, 1] is an error.
CREATE FUNCTION metric_percentile(metric_name text, p double precision, from_time timestamptz,
  to_time timestamptz, label_filter jsonb DEFAULT '{}')
RETURNS double precision LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
#variable_conflict use_column
DECLARE
  v_name   text := metric_percentile.metric_name;
  v_filter jsonb := coalesce(metric_percentile.label_filter, '{}'::jsonb);
  v_from   timestamptz := metric_percentile.from_time;
  v_to     timestamptz := metric_percentile.to_time;
  v_rolled timestamptz[];
  v_gaps   tstzrange[];
  v_keys   integer[];
  v_counts bigint[];
  v_min    double precision;
  v_max    double precision;
BEGIN
  IF p IS NULL OR p = 'NaN'::float8 OR p < 0 OR p > 1 THEN
    RAISE EXCEPTION 'percentile must be between 0 and 1, got %', p USING ERRCODE = '22023';
  END IF;
  IF v_name IS NULL OR v_from IS NULL OR v_to IS NULL OR v_from >= v_to THEN RETURN NULL; END IF;

  SELECT coalesce(array_agg(h.hour ORDER BY h.hour), '{}') INTO v_rolled FROM metric_rollup_hours h
   WHERE h.state = 'done' AND h.hour >= v_from AND h.hour + interval '1 hour' <= v_to;
  -- The window minus the rolled-up hours: read from the flushed rows.
  SELECT coalesce(array_agg(tstzrange(g.lo, g.hi, '[)')), '{}') INTO v_gaps FROM (
    SELECT coalesce(lag(r.hour + interval '1 hour') OVER (ORDER BY r.hour), v_from) AS lo, r.hour AS hi
      FROM unnest(v_rolled) AS r(hour)
    UNION ALL
    SELECT coalesce(max(r.hour) + interval '1 hour', v_from), v_to FROM unnest(v_rolled) AS r(hour)
  ) g WHERE g.lo < g.hi;

  IF NOT EXISTS (SELECT 1 FROM metrics_hourly h WHERE h.metric_name = v_name AND h.hour = ANY (v_rolled)
                    AND h.sketch_keys IS NOT NULL AND h.sample_count > h.raw_count AND h.labels @> v_filter)
     AND NOT EXISTS (SELECT 1 FROM unnest(v_gaps) AS g(r) JOIN metrics m ON m.metric_name = v_name
                    AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
                  WHERE m.sketch_keys IS NOT NULL AND m.labels @> v_filter) THEN
    RETURN (SELECT percentile_cont(p) WITHIN GROUP (ORDER BY m.metric_value) FROM metrics m
             WHERE m.metric_name = v_name AND m.recorded_at >= v_from AND m.recorded_at < v_to
               AND m.labels @> v_filter AND m.metric_value <> 'NaN'::float8);
  END IF;

  WITH src AS (
    SELECT h.sketch_keys AS keys, h.sketch_counts AS counts, h.sample_min AS lo, h.sample_max AS hi
      FROM metrics_hourly h
     WHERE h.metric_name = v_name AND h.hour = ANY (v_rolled) AND h.labels @> v_filter AND h.sketch_keys IS NOT NULL
    UNION ALL
    SELECT m.sketch_keys, m.sketch_counts, m.sample_min, m.sample_max
      FROM unnest(v_gaps) AS g(r)
      JOIN metrics m ON m.metric_name = v_name AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
     WHERE m.sketch_keys IS NOT NULL AND m.labels @> v_filter
    UNION ALL
    SELECT ARRAY[metric_bucket_key(m.metric_value)], ARRAY[m.sample_count], m.metric_value, m.metric_value
      FROM unnest(v_gaps) AS g(r)
      JOIN metrics m ON m.metric_name = v_name AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
     WHERE m.sketch_keys IS NULL AND m.labels @> v_filter AND metric_bucket_key(m.metric_value) IS NOT NULL
  ), merged AS (
    SELECT u.k, sum(u.c)::bigint AS c FROM src CROSS JOIN LATERAL unnest(src.keys, src.counts) AS u(k, c)
     GROUP BY u.k
  )
  SELECT (SELECT array_agg(merged.k ORDER BY merged.k) FROM merged),
         (SELECT array_agg(merged.c ORDER BY merged.k) FROM merged),
         (SELECT min(src.lo) FROM src), (SELECT max(src.hi) FROM src)
    INTO v_keys, v_counts, v_min, v_max;
  RETURN metric_sketch_quantile(v_keys, v_counts, p, v_min, v_max);
END
$$;

-- One value per time bucket, for Grafana-style charts: p-quantile over [from_time, to_time) by step.
CREATE FUNCTION metric_percentile_series(metric_name text, p double precision, from_time timestamptz,
  to_time timestamptz, step interval, label_filter jsonb DEFAULT '{}')
RETURNS TABLE (bucket_start timestamptz, value double precision)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
  SELECT b, metric_percentile(metric_name, p, b, least(b + step, to_time), label_filter)
    FROM generate_series(from_time, to_time - interval '1 microsecond', step) AS b
$$;

-- p50/p95/p99 of each hourly rollup that has a sketch.
CREATE VIEW metric_hourly_percentiles AS
SELECT metric_name, labels, hour, sample_count, sample_min, sample_max,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.5, sample_min, sample_max) AS p50,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.95, sample_min, sample_max) AS p95,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.99, sample_min, sample_max) AS p99
  FROM metrics_hourly WHERE sketch_keys IS NOT NULL;

-- p50/p95/p99 of each flushed histogram row (one series, one interval).
CREATE VIEW metric_interval_percentiles AS
SELECT id, metric_name, labels, recorded_at, sample_count, sample_min, sample_max,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.5, sample_min, sample_max) AS p50,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.95, sample_min, sample_max) AS p95,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.99, sample_min, sample_max) AS p99
  FROM metrics WHERE sketch_keys IS NOT NULL;
