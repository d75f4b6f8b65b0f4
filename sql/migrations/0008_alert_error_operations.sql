-- What failed while an alert fired, as a view: error spans from five minutes before an alert episode
-- triggered until it resolved (or now), per operation. Filter on alert_id: the condition reaches
-- `alerts` by its key and `spans` through the partial index of error spans.
CREATE VIEW alert_error_operations AS
SELECT a.id AS alert_id, s.service_name, s.operation_name, count(*) AS error_count,
       max(s.duration_ms) AS max_duration_ms, min(s.start_time) AS first_at, max(s.start_time) AS last_at,
       (array_agg(DISTINCT s.trace_id))[1:5] AS trace_ids
  FROM alerts a
  JOIN spans s ON s.status = 'error'
   AND s.start_time >= a.triggered_at - interval '5 minutes'
   AND s.start_time <= coalesce(a.resolved_at, now())
 GROUP BY a.id, s.service_name, s.operation_name;
