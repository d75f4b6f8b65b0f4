-- Log records, the third OpenTelemetry signal: one row a record, with its resource (service.name as
-- its own column), scope and trace context, range-partitioned by month on the record's time.
-- Runs with search_path set to pgtel's schema.

CREATE TABLE logs (
  -- The first 8 bytes of the MD5 of the record's identity (time in nanoseconds, service, resource,
  -- scope, trace context, severity, body, attributes), so a resent record is skipped, never stored twice.
  record_id                bigint NOT NULL,
  time                     timestamptz NOT NULL,
  observed_time            timestamptz,
  severity_number          smallint NOT NULL DEFAULT 0 CHECK (severity_number BETWEEN 0 AND 24),
  severity_text            text,
  -- A string body as is; any other body (map, list, number) as its JSON text, and as jsonb in body_json.
  body                     text NOT NULL DEFAULT '',
  body_json                jsonb,
  attributes               jsonb NOT NULL DEFAULT '{}'::jsonb,
  service_name             text NOT NULL DEFAULT '',
  -- Resource attributes other than service.name.
  resource                 jsonb NOT NULL DEFAULT '{}'::jsonb,
  scope                    jsonb NOT NULL DEFAULT '{}'::jsonb,
  trace_id                 text CHECK (trace_id ~ '^[0-9a-f]{32}$'),
  span_id                  text CHECK (span_id ~ '^[0-9a-f]{16}$'),
  flags                    integer NOT NULL DEFAULT 0,
  dropped_attributes_count integer NOT NULL DEFAULT 0,
  UNIQUE (record_id, time)
) PARTITION BY RANGE (time);
CREATE TABLE logs_default PARTITION OF logs DEFAULT;

-- Reads are newest first: by time, by service over time, by trace, by minimum severity.
CREATE INDEX logs_time_idx ON logs (time DESC);
CREATE INDEX logs_service_time_idx ON logs (service_name, time DESC);
CREATE INDEX logs_trace_idx ON logs (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX logs_severity_time_idx ON logs (severity_number, time DESC);
-- Full-text search over the body ('simple': no stemming, so identifiers and codes match as written).
-- Over its first 100,000 characters: a tsvector holds at most 1 MB, so indexing a whole multi-megabyte
-- body would refuse the row. Searches use the same expression to use the index:
--   to_tsvector('simple', left(body, 100000)) @@ websearch_to_tsquery('simple', $1)
CREATE INDEX logs_body_search_idx ON logs USING gin (to_tsvector('simple', left(body, 100000)));

INSERT INTO partitioned_tables VALUES ('logs', 'time', 14);
