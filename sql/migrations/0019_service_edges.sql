-- The service map: calls between services (a span whose parent span is in another service), kept per
-- minute by the service-edges job so a graph over any range reads these rows, never every span.
-- Runs with search_path set to pgtel's schema.

CREATE TABLE service_edges (
  minute        timestamptz NOT NULL,
  -- The parent span's service (the caller) and the child span's service (the callee).
  caller        text NOT NULL,
  callee        text NOT NULL,
  calls         bigint NOT NULL,
  errors        bigint NOT NULL,
  duration_min  double precision NOT NULL,
  duration_max  double precision NOT NULL,
  -- The callee spans' durations (ms) as a log-bucket sketch (see metric_bucket_key): percentiles of
  -- any range merge these.
  sketch_keys   integer[] NOT NULL,
  sketch_counts bigint[] NOT NULL,
  PRIMARY KEY (minute, caller, callee)
) PARTITION BY RANGE (minute);
CREATE TABLE service_edges_default PARTITION OF service_edges DEFAULT;
-- Kept as long as the spans it is computed from.
INSERT INTO partitioned_tables VALUES ('service_edges', 'minute', 30);

-- How far the job has aggregated: spans starting before this instant are in service_edges. One row.
CREATE TABLE service_edges_progress (
  singleton        boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  aggregated_until timestamptz
);
INSERT INTO service_edges_progress (singleton, aggregated_until) VALUES (true, NULL);

-- The calls of spans starting in [from_time, to_time), per minute and pair of services. The parent
-- is found by the spans primary key; its start is bounded (a day before the child to an hour after,
-- for clock skew between hosts) so time partitions are pruned.
CREATE FUNCTION service_edges_between(from_time timestamptz, to_time timestamptz)
RETURNS TABLE (minute timestamptz, caller text, callee text, calls bigint, errors bigint,
  duration_min double precision, duration_max double precision, sketch_keys integer[], sketch_counts bigint[])
LANGUAGE sql STABLE SET search_path FROM CURRENT AS $$
  WITH call AS (
    SELECT date_trunc('minute', c.start_time) AS minute, p.service_name AS caller,
           c.service_name AS callee, c.duration_ms, c.status = 'error' AS error
      FROM spans c
      JOIN spans p ON p.trace_id = c.trace_id AND p.span_id = c.parent_span_id
       AND p.start_time > c.start_time - interval '1 day' AND p.start_time < c.start_time + interval '1 hour'
     WHERE c.start_time >= from_time AND c.start_time < to_time
       AND c.parent_span_id IS NOT NULL AND p.service_name <> c.service_name
  ), bucket AS (
    SELECT minute, caller, callee, metric_bucket_key(duration_ms) AS k, count(*) AS n
      FROM call GROUP BY 1, 2, 3, 4
  ), sketch AS (
    SELECT minute, caller, callee, array_agg(k ORDER BY k) AS sketch_keys, array_agg(n ORDER BY k) AS sketch_counts
      FROM bucket WHERE k IS NOT NULL GROUP BY 1, 2, 3
  )
  SELECT s.minute, s.caller, s.callee, s.calls, s.errors, s.duration_min, s.duration_max,
         coalesce(k.sketch_keys, '{}'), coalesce(k.sketch_counts, '{}')
    FROM (SELECT minute, caller, callee, count(*) AS calls, count(*) FILTER (WHERE error) AS errors,
                 min(duration_ms) AS duration_min, max(duration_ms) AS duration_max
            FROM call GROUP BY 1, 2, 3) s
    LEFT JOIN sketch k USING (minute, caller, callee)
$$;
