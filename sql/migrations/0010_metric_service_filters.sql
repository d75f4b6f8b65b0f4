-- Percentiles of the series of some services, or of a resource: the percentile functions gain a
-- trailing `service_filter` (NULL: every service), so a p99 per service never merges the sketches of
-- two services that write the same metric name and labels. The old call forms keep working.

DROP FUNCTION metric_percentile_series(text, double precision, timestamptz, timestamptz, interval, jsonb);
DROP FUNCTION metric_percentile(text, double precision, timestamptz, timestamptz, jsonb);

-- p-quantile of a metric over [from_time, to_time), over the series whose labels contain label_filter,
-- written by one of service_names (NULL: any service) from a resource containing resource_filter (NULL
-- or '{}': any resource; read from metric_series). Exact (percentile_cont) when the window holds raw
-- observations only; otherwise sketches are merged (hourly rollups for whole rolled-up hours, flushed
-- rows for the rest): within 1% of the exact value. NULL when there is no data; p outside [0, 1] is an
-- error. metric_percentile is the usual entry point; this one serves several services and resources.
CREATE FUNCTION metric_percentile_filtered(metric_name text, p double precision, from_time timestamptz,
  to_time timestamptz, label_filter jsonb, service_names text[], resource_filter jsonb)
RETURNS double precision LANGUAGE plpgsql STABLE SET search_path FROM CURRENT AS $$
#variable_conflict use_column
DECLARE
  v_name     text := metric_percentile_filtered.metric_name;
  v_filter   jsonb := coalesce(metric_percentile_filtered.label_filter, '{}'::jsonb);
  v_services text[] := metric_percentile_filtered.service_names;
  v_resource jsonb := metric_percentile_filtered.resource_filter;
  v_from     timestamptz := metric_percentile_filtered.from_time;
  v_to       timestamptz := metric_percentile_filtered.to_time;
  -- The series of the resource filter; NULL when there is none.
  v_series   bigint[];
  v_rolled   timestamptz[];
  v_gaps     tstzrange[];
  v_keys     integer[];
  v_counts   bigint[];
  v_min      double precision;
  v_max      double precision;
BEGIN
  IF p IS NULL OR p = 'NaN'::float8 OR p < 0 OR p > 1 THEN
    RAISE EXCEPTION 'percentile must be between 0 and 1, got %', p USING ERRCODE = '22023';
  END IF;
  IF v_name IS NULL OR v_from IS NULL OR v_to IS NULL OR v_from >= v_to THEN RETURN NULL; END IF;
  IF v_resource IS NOT NULL AND v_resource <> '{}'::jsonb THEN
    SELECT coalesce(array_agg(s.series_id), '{}') INTO v_series FROM metric_series s
     WHERE s.metric_name = v_name AND s.resource @> v_resource
       AND (v_services IS NULL OR s.service_name = ANY (v_services));
  END IF;

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
                    AND h.sketch_keys IS NOT NULL AND h.sample_count > h.raw_count AND h.labels @> v_filter
                    AND (v_services IS NULL OR h.service_name = ANY (v_services))
                    AND (v_series IS NULL OR h.series_id = ANY (v_series)))
     AND NOT EXISTS (SELECT 1 FROM unnest(v_gaps) AS g(r) JOIN metrics m ON m.metric_name = v_name
                    AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
                  WHERE m.sketch_keys IS NOT NULL AND m.labels @> v_filter
                    AND (v_services IS NULL OR m.service_name = ANY (v_services))
                    AND (v_series IS NULL OR m.series_id = ANY (v_series))) THEN
    RETURN (SELECT percentile_cont(p) WITHIN GROUP (ORDER BY m.metric_value) FROM metrics m
             WHERE m.metric_name = v_name AND m.recorded_at >= v_from AND m.recorded_at < v_to
               AND m.labels @> v_filter AND m.metric_value <> 'NaN'::float8
               AND (v_services IS NULL OR m.service_name = ANY (v_services))
               AND (v_series IS NULL OR m.series_id = ANY (v_series)));
  END IF;

  WITH src AS (
    SELECT h.sketch_keys AS keys, h.sketch_counts AS counts, h.sample_min AS lo, h.sample_max AS hi
      FROM metrics_hourly h
     WHERE h.metric_name = v_name AND h.hour = ANY (v_rolled) AND h.labels @> v_filter AND h.sketch_keys IS NOT NULL
       AND (v_services IS NULL OR h.service_name = ANY (v_services))
       AND (v_series IS NULL OR h.series_id = ANY (v_series))
    UNION ALL
    SELECT m.sketch_keys, m.sketch_counts, m.sample_min, m.sample_max
      FROM unnest(v_gaps) AS g(r)
      JOIN metrics m ON m.metric_name = v_name AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
     WHERE m.sketch_keys IS NOT NULL AND m.labels @> v_filter
       AND (v_services IS NULL OR m.service_name = ANY (v_services))
       AND (v_series IS NULL OR m.series_id = ANY (v_series))
    UNION ALL
    SELECT ARRAY[metric_bucket_key(m.metric_value)], ARRAY[m.sample_count], m.metric_value, m.metric_value
      FROM unnest(v_gaps) AS g(r)
      JOIN metrics m ON m.metric_name = v_name AND m.recorded_at >= lower(g.r) AND m.recorded_at < upper(g.r)
     WHERE m.sketch_keys IS NULL AND m.labels @> v_filter AND metric_bucket_key(m.metric_value) IS NOT NULL
       AND (v_services IS NULL OR m.service_name = ANY (v_services))
       AND (v_series IS NULL OR m.series_id = ANY (v_series))
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

-- p-quantile of a metric over [from_time, to_time), over series whose labels contain label_filter and,
-- when service_filter is given, written by that service (metrics.service_name). See
-- metric_percentile_filtered for exactness.
CREATE FUNCTION metric_percentile(metric_name text, p double precision, from_time timestamptz,
  to_time timestamptz, label_filter jsonb DEFAULT '{}', service_filter text DEFAULT NULL)
RETURNS double precision LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
  SELECT metric_percentile_filtered(metric_name, p, from_time, to_time, label_filter,
    CASE WHEN service_filter IS NULL THEN NULL ELSE ARRAY[service_filter] END, NULL)
$$;

-- One value per time bucket, for Grafana-style charts: p-quantile over [from_time, to_time) by step.
CREATE FUNCTION metric_percentile_series(metric_name text, p double precision, from_time timestamptz,
  to_time timestamptz, step interval, label_filter jsonb DEFAULT '{}', service_filter text DEFAULT NULL)
RETURNS TABLE (bucket_start timestamptz, value double precision)
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
  SELECT b, metric_percentile(metric_name, p, b, least(b + step, to_time), label_filter, service_filter)
    FROM generate_series(from_time, to_time - interval '1 microsecond', step) AS b
$$;

-- The percentile views name the service and series of each row.
CREATE OR REPLACE VIEW metric_hourly_percentiles AS
SELECT metric_name, labels, hour, sample_count, sample_min, sample_max,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.5, sample_min, sample_max) AS p50,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.95, sample_min, sample_max) AS p95,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.99, sample_min, sample_max) AS p99,
       service_name, series_id
  FROM metrics_hourly WHERE sketch_keys IS NOT NULL;

CREATE OR REPLACE VIEW metric_interval_percentiles AS
SELECT id, metric_name, labels, recorded_at, sample_count, sample_min, sample_max,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.5, sample_min, sample_max) AS p50,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.95, sample_min, sample_max) AS p95,
       metric_sketch_quantile(sketch_keys, sketch_counts, 0.99, sample_min, sample_max) AS p99,
       service_name, series_id
  FROM metrics WHERE sketch_keys IS NOT NULL;

