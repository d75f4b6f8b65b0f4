-- Span searches that a duration filter makes selective. The time-ordered service indexes serve
-- searches whose filters match often (the newest matches come first, the scan stops at the page);
-- when the duration filter matches few spans, these let the planner read only the matches instead
-- of every span of the service (or of the window) in time order:
-- by service + operation + duration range, and by duration range alone.
CREATE INDEX spans_service_operation_duration_idx ON spans (service_name, operation_name, duration_ms);
CREATE INDEX spans_duration_idx ON spans (duration_ms);
