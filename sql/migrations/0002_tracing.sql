-- Everything an OpenTelemetry span carries, so a stored span can be exported again without loss.
-- Runs with search_path set to pgtel's schema.

ALTER TABLE spans
  ADD COLUMN trace_state              text,
  ADD COLUMN kind                     text NOT NULL DEFAULT 'internal'
    CHECK (kind IN ('internal', 'server', 'client', 'producer', 'consumer')),
  ADD COLUMN status_message           text,
  ADD COLUMN events                   jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN links                    jsonb NOT NULL DEFAULT '[]'::jsonb,
  ADD COLUMN resource                 jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN scope                    jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN dropped_attributes_count integer NOT NULL DEFAULT 0,
  ADD COLUMN dropped_events_count     integer NOT NULL DEFAULT 0,
  ADD COLUMN dropped_links_count      integer NOT NULL DEFAULT 0,
  ADD CONSTRAINT spans_status_check CHECK (status IN ('unset', 'ok', 'error')),
  ADD CONSTRAINT spans_ids_check CHECK (trace_id ~ '^[0-9a-f]{32}$' AND span_id ~ '^[0-9a-f]{16}$'
    AND (parent_span_id IS NULL OR parent_span_id ~ '^[0-9a-f]{16}$'));

-- The trace tree is served by the primary key (trace_id, ...). Searches are newest first:
-- by service (and operation) over a time range, errors only, or by attribute containment.
-- The two service indexes also let services and operations be listed by a skip scan.
CREATE INDEX spans_service_time_idx ON spans (service_name, start_time DESC);
CREATE INDEX spans_service_operation_time_idx ON spans (service_name, operation_name, start_time DESC);
CREATE INDEX spans_error_time_idx ON spans (start_time DESC) WHERE status = 'error';
CREATE INDEX spans_attributes_idx ON spans USING gin (attributes jsonb_path_ops);
CREATE INDEX spans_root_time_idx ON spans (start_time DESC) WHERE parent_span_id IS NULL;
