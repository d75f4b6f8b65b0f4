-- Span searches that a duration or error filter makes selective. The time-ordered service indexes
-- serve searches whose filters match often (the newest matches come first, the scan stops at the
-- page); when a filter matches few spans, these let the planner read only the matches instead of
-- every span of the service (or of the window) in time order:
-- by service + operation + duration range, by duration range alone, and error spans newest first
-- (overall or of one service), with the trace id in the index so a trace search reads no table page.
CREATE INDEX spans_service_operation_duration_idx ON spans (service_name, operation_name, duration_ms);
CREATE INDEX spans_duration_idx ON spans (duration_ms);
CREATE INDEX spans_error_service_time_idx ON spans (service_name, start_time DESC) INCLUDE (trace_id)
  WHERE status = 'error';
DROP INDEX spans_error_time_idx;
CREATE INDEX spans_error_time_idx ON spans (start_time DESC) INCLUDE (trace_id) WHERE status = 'error';
