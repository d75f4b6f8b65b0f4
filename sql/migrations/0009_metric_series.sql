-- One metric model for every source (library collector, OpenTelemetry SDK bridge, OTLP, and later
-- Prometheus remote write): a series is identified once, by its name, the resource it came from
-- (service.name as its own column, the other resource attributes as a string map), the
-- instrumentation scope and its point attributes (labels); samples reference it by id.

-- Text of a string map in a fixed order (keys by code point), so that identical maps hash alike.
CREATE FUNCTION metric_pairs_text(pairs jsonb) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(string_agg(key || chr(30) || value, chr(29) ORDER BY key COLLATE "C"), '')
    FROM jsonb_each_text(pairs)
$$;

-- The id of a series: the first 8 bytes of the MD5 of its identity, as a signed bigint. Writers
-- compute the same id without asking the database (src/metrics/seriesId.ts; a test holds both alike).
CREATE FUNCTION metric_series_id(metric_name text, service_name text, resource jsonb, scope_name text,
  scope_version text, labels jsonb) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT ('x' || left(md5(metric_name || chr(31) || service_name || chr(31) || metric_pairs_text(resource)
    || chr(31) || scope_name || chr(31) || scope_version || chr(31) || metric_pairs_text(labels)), 16))::bit(64)::bigint
$$;

CREATE TABLE metric_series (
  series_id     bigint PRIMARY KEY,
  metric_name   text NOT NULL,
  service_name  text NOT NULL DEFAULT '',
  -- Resource attributes other than service.name, values as text.
  resource      jsonb NOT NULL DEFAULT '{}'::jsonb,
  scope_name    text NOT NULL DEFAULT '',
  scope_version text NOT NULL DEFAULT '',
  labels        jsonb NOT NULL DEFAULT '{}'::jsonb,
  first_seen_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX metric_series_name_idx ON metric_series (metric_name, service_name);
CREATE INDEX metric_series_service_idx ON metric_series (service_name);
CREATE INDEX metric_series_labels_idx ON metric_series USING gin (labels jsonb_path_ops);
CREATE INDEX metric_series_resource_idx ON metric_series USING gin (resource jsonb_path_ops);

-- Samples carry their series, its service (filtered and grouped on without a join) and the start of
-- the interval they cover (NULL for a raw observation). (series, time, start) is a point's natural
-- key: a resent point is skipped, never stored twice.
ALTER TABLE metrics
  ADD COLUMN series_id    bigint,
  ADD COLUMN service_name text NOT NULL DEFAULT '',
  ADD COLUMN start_time   timestamptz;
ALTER TABLE metrics_hourly
  ADD COLUMN series_id    bigint,
  ADD COLUMN service_name text NOT NULL DEFAULT '';

-- Rows stored before series existed belong to a series of no service, resource or scope.
INSERT INTO metric_series (series_id, metric_name, labels, first_seen_at)
SELECT metric_series_id(metric_name, '', '{}', '', '', labels), metric_name, labels, min(recorded_at)
  FROM metrics GROUP BY metric_name, labels
ON CONFLICT (series_id) DO NOTHING;
UPDATE metrics SET series_id = metric_series_id(metric_name, '', '{}', '', '', labels);
UPDATE metrics_hourly SET series_id = metric_series_id(metric_name, '', '{}', '', '', labels);
ALTER TABLE metrics ALTER COLUMN series_id SET NOT NULL;
ALTER TABLE metrics_hourly ALTER COLUMN series_id SET NOT NULL;

-- Rows inserted by hand (SQL next to business data) without a series get the series of their name,
-- service and labels, registered on the way; pgtel's writers always give it.
CREATE FUNCTION metrics_fill_series() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  NEW.series_id := metric_series_id(NEW.metric_name, NEW.service_name, '{}', '', '', NEW.labels);
  INSERT INTO metric_series (series_id, metric_name, service_name, labels)
  VALUES (NEW.series_id, NEW.metric_name, NEW.service_name, NEW.labels) ON CONFLICT (series_id) DO NOTHING;
  RETURN NEW;
END
$$;
CREATE TRIGGER metrics_fill_series BEFORE INSERT ON metrics
  FOR EACH ROW WHEN (NEW.series_id IS NULL) EXECUTE FUNCTION metrics_fill_series();

CREATE UNIQUE INDEX metrics_point_key ON metrics (series_id, recorded_at, start_time);
CREATE INDEX metrics_service_time_idx ON metrics (metric_name, service_name, recorded_at DESC);
CREATE INDEX metrics_hourly_series_hour_idx ON metrics_hourly (series_id, hour);

-- Running totals of cumulative series (OTLP's default temporality), so each new point is stored as
-- the delta since the previous one. Kept in the database and changed in the transaction that stores
-- the delta, so restarts and several pgtel processes agree. `point` holds what the next delta needs
-- (value, or count/sum/min/max and buckets), as written by src/metrics/cumulativeToDelta.ts.
CREATE TABLE metric_cumulative_state (
  series_id  bigint PRIMARY KEY,
  start_time timestamptz NOT NULL,
  last_time  timestamptz NOT NULL,
  point      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE OR REPLACE VIEW metric_exemplars AS
SELECT m.metric_name, m.metric_type, m.labels, m.recorded_at,
       e.trace_id, e.span_id, e.value, e.observed_at, coalesce(e.attributes, '{}'::jsonb) AS attributes,
       m.service_name, m.series_id
  FROM metrics m
 CROSS JOIN LATERAL jsonb_to_recordset(m.exemplars)
       AS e(trace_id text, span_id text, value double precision, observed_at timestamptz, attributes jsonb)
 WHERE m.exemplars IS NOT NULL;
