// Grafana provisioning for pgtel: a PostgreSQL data source on its tables, a Prometheus data source on
// `pgtel serve`'s Prometheus HTTP API, and one overview dashboard whose panel SQL uses the PostgreSQL
// data source's macros ($__timeFilter, $__timeGroupAlias, $__timeFrom, ...) and one panel PromQL.
// Pure: returns file names and contents; `pgtel grafana export` writes them.

import { severityNameSql } from '../logs/logSeverity.js';

/** A Grafana dashboard model. */
export interface GrafanaDashboard {
  uid: string;
  title: string;
  templating: { list: { name: string; query: string; [key: string]: unknown }[] };
  panels: {
    id: number;
    title: string;
    type: string;
    /** SQL panels carry `rawSql`, PromQL panels `expr`. */
    targets: (
      | { refId: string; rawSql: string; format: string; rawQuery: boolean; editorMode: string }
      | { refId: string; expr: string; legendFormat: string; range: boolean }
    )[];
    [key: string]: unknown;
  }[];
  [key: string]: unknown;
}

/** Where Grafana finds pgtel's database; every field has a default. */
export interface GrafanaProvisioningOptions {
  /** pgtel's schema. Default `observability`. */
  schema?: string;
  /** `host:port` of PostgreSQL as Grafana reaches it. Default `localhost:5432`. */
  host?: string;
  /** Default `postgres`. */
  database?: string;
  /** A read-only role for Grafana. Default `grafana`. */
  user?: string;
  /** TLS towards PostgreSQL: `disable`, `require`, `verify-ca` or `verify-full`. Default `disable`. */
  sslmode?: string;
  /** CA certificate file as Grafana sees it (`verify-ca`, `verify-full`). Default: none. */
  sslRootCertFile?: string;
  /** Client certificate file as Grafana sees it. Default: none. */
  sslCertFile?: string;
  /** Client key file as Grafana sees it. Default: none. */
  sslKeyFile?: string;
  /** Root URL of `pgtel serve` as Grafana reaches it (its Prometheus API is at `/api/v1`). Default `http://pgtel:4318`. */
  prometheusUrl?: string;
}

/** One file of the provisioning folder. */
export interface ProvisioningFile {
  path: string;
  content: string;
}

/** A quoted SQL identifier (the schema name is configurable). */
function ident(name: string): string {
  return `"${String(name).replaceAll('"', '""')}"`;
}

const DATASOURCE_UID = 'pgtel-postgres';
const PROMETHEUS_UID = 'pgtel-prometheus';

/** The request rate of HTTP servers sending OpenTelemetry metrics, per route, in PromQL. */
export const REQUEST_RATE_PROMQL =
  'sum by (http_route) (rate(http_server_request_duration_seconds_count[$__rate_interval]))';

function panel(
  id: number,
  title: string,
  type: string,
  gridPos: { x: number; y: number; w: number; h: number },
  rawSql: string,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    title,
    type,
    gridPos,
    datasource: { type: 'grafana-postgresql-datasource', uid: DATASOURCE_UID },
    targets: [
      {
        refId: 'A',
        format: type === 'table' || type === 'logs' ? 'table' : 'time_series',
        rawQuery: true,
        editorMode: 'code',
        rawSql,
      },
    ],
    ...extra,
  };
}

/**
 * The overview dashboard: spans and errors per service, p95 latency per operation, slowest traces,
 * a metric's percentiles, workflows by status and stuck ones, firing alerts and alert changes, log
 * records by severity and the log lines.
 * Template variables: `service` (the services of spans, metrics and logs; every span and metric panel
 * filters by it, and shows every service when none is chosen) and `metric` (histogram metric names).
 */
export function overviewDashboard(schema = 'observability'): GrafanaDashboard {
  const t = (table: string) => `${ident(schema)}.${ident(table)}`;
  // Grafana writes a multi-value variable as `'a','b'`, and as nothing at all when no value is chosen
  // or the database has no service yet: as an array that is valid SQL, and NULL (every service) when empty.
  const chosenServices = `nullif(array_remove(ARRAY[$service]::text[], ''), '{}')`;
  const serviceFilter = `(${chosenServices} IS NULL OR service_name = ANY (${chosenServices}))`;
  return {
    uid: 'pgtel-overview',
    title: 'pgtel overview',
    tags: ['pgtel'],
    timezone: 'utc',
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        {
          name: 'service',
          type: 'query',
          datasource: { type: 'grafana-postgresql-datasource', uid: DATASOURCE_UID },
          query: `SELECT service_name FROM ${t('spans')} WHERE $__timeFilter(start_time)
UNION SELECT service_name FROM ${t('metrics')} WHERE $__timeFilter(recorded_at) AND service_name <> ''
UNION SELECT service_name FROM ${t('logs')} WHERE $__timeFilter(time) AND service_name <> ''
ORDER BY 1`,
          multi: true,
          includeAll: true,
          refresh: 2,
        },
        {
          name: 'metric',
          type: 'query',
          datasource: { type: 'grafana-postgresql-datasource', uid: DATASOURCE_UID },
          query: `SELECT DISTINCT metric_name FROM ${t('metrics')} WHERE metric_type = 'histogram' AND $__timeFilter(recorded_at) ORDER BY 1`,
          refresh: 2,
        },
      ],
    },
    panels: [
      panel(
        1,
        'Spans per interval by service',
        'timeseries',
        { x: 0, y: 0, w: 12, h: 8 },
        `SELECT $__timeGroupAlias(start_time, $__interval), service_name AS metric, count(*) AS spans
  FROM ${t('spans')} WHERE $__timeFilter(start_time) AND ${serviceFilter}
 GROUP BY 1, 2 ORDER BY 1`,
      ),
      panel(
        2,
        'Error ratio by service',
        'timeseries',
        { x: 12, y: 0, w: 12, h: 8 },
        `SELECT $__timeGroupAlias(start_time, $__interval), service_name AS metric,
       avg(CASE WHEN status = 'error' THEN 1.0 ELSE 0.0 END) AS error_ratio
  FROM ${t('spans')} WHERE $__timeFilter(start_time) AND ${serviceFilter}
 GROUP BY 1, 2 ORDER BY 1`,
        { fieldConfig: { defaults: { unit: 'percentunit', min: 0, max: 1 } } },
      ),
      panel(
        3,
        'p95 duration by operation',
        'timeseries',
        { x: 0, y: 8, w: 12, h: 8 },
        `SELECT $__timeGroupAlias(start_time, $__interval), service_name || ' ' || operation_name AS metric,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95_ms
  FROM ${t('spans')} WHERE $__timeFilter(start_time) AND ${serviceFilter}
 GROUP BY 1, 2 ORDER BY 1`,
        { fieldConfig: { defaults: { unit: 'ms' } } },
      ),
      panel(
        4,
        'Slowest traces',
        'table',
        { x: 12, y: 8, w: 12, h: 8 },
        `SELECT start_time AS "time", trace_id, service_name, operation_name, duration_ms, status
  FROM ${t('spans')} WHERE $__timeFilter(start_time) AND parent_span_id IS NULL AND ${serviceFilter}
 ORDER BY duration_ms DESC LIMIT 20`,
      ),
      panel(
        5,
        '$metric percentiles of $service',
        'timeseries',
        { x: 0, y: 16, w: 12, h: 8 },
        // The observations of the chosen services merged (never another service's; all when none is chosen).
        `SELECT b AS "time", 'p' || (q.p * 100)::text AS metric,
       ${t('metric_percentile_filtered')}('$metric', q.p, b, least(b + '$__interval'::interval, $__timeTo()), '{}',
         ${chosenServices}, NULL) AS value
  FROM unnest(ARRAY[0.5, 0.95, 0.99]) AS q(p)
  CROSS JOIN generate_series($__timeFrom()::timestamptz, $__timeTo()::timestamptz - interval '1 microsecond',
    '$__interval'::interval) AS b
 ORDER BY 1`,
      ),
      panel(
        6,
        'Workflows by status',
        'table',
        { x: 12, y: 16, w: 12, h: 8 },
        `SELECT workflow_type, status, workflows, stuck, overdue FROM ${t('workflow_counts')} ORDER BY workflow_type, status`,
      ),
      panel(
        7,
        'Stuck or overdue workflows',
        'table',
        { x: 0, y: 24, w: 12, h: 8 },
        `SELECT workflow_id, workflow_type, status, current_phase, age_in_state, deadline, stuck_since, last_error
  FROM ${t('workflow_overview')} WHERE stuck OR overdue ORDER BY created_at DESC LIMIT 50`,
      ),
      panel(
        8,
        'Firing alerts',
        'table',
        { x: 12, y: 24, w: 12, h: 8 },
        `SELECT i.rule_name, i.severity, i.value, i.firing_since, a.acknowledged_by, i.labels::text AS labels
  FROM ${t('alert_instances')} i LEFT JOIN ${t('alerts')} a ON a.id = i.alert_id
 WHERE i.state = 'firing' ORDER BY i.firing_since`,
      ),
      panel(
        9,
        'Alert state changes',
        'timeseries',
        { x: 0, y: 32, w: 24, h: 7 },
        `SELECT $__timeGroupAlias(changed_at, $__interval), to_state AS metric, count(*) AS changes
  FROM ${t('alert_history')} WHERE $__timeFilter(changed_at)
 GROUP BY 1, 2 ORDER BY 1`,
      ),
      panel(
        10,
        'Log records by severity',
        'timeseries',
        { x: 0, y: 39, w: 24, h: 7 },
        `SELECT $__timeGroupAlias(time, $__interval), ${severityNameSql('severity_number')} AS metric, count(*) AS records
  FROM ${t('logs')} WHERE $__timeFilter(time) AND ${serviceFilter}
 GROUP BY 1, 2 ORDER BY 1`,
      ),
      panel(
        11,
        'Logs',
        'logs',
        { x: 0, y: 46, w: 24, h: 12 },
        // Newest first, as pgtel's log search; the level column colours the lines.
        `SELECT time AS "time", ${severityNameSql('severity_number')} AS level, severity_text,
       service_name, body, trace_id, span_id
  FROM ${t('logs')} WHERE $__timeFilter(time) AND ${serviceFilter}
 ORDER BY time DESC, record_id DESC LIMIT 1000`,
        {
          options: { showTime: true, wrapLogMessage: true, sortOrder: 'Descending', enableLogDetails: true },
        },
      ),
      {
        id: 12,
        title: 'HTTP requests per second by route (PromQL)',
        type: 'timeseries',
        gridPos: { x: 0, y: 58, w: 24, h: 8 },
        datasource: { type: 'prometheus', uid: PROMETHEUS_UID },
        targets: [{ refId: 'A', expr: REQUEST_RATE_PROMQL, legendFormat: '{{http_route}}', range: true }],
        fieldConfig: { defaults: { unit: 'reqps' }, overrides: [] },
      },
    ],
  };
}

/**
 * The files of a Grafana provisioning folder: the data source (password read by Grafana from the
 * environment variable PGTEL_GRAFANA_PASSWORD), the dashboard provider and the dashboard.
 */
export function grafanaProvisioning(options: GrafanaProvisioningOptions = {}): ProvisioningFile[] {
  const {
    schema = 'observability',
    host = 'localhost:5432',
    database = 'postgres',
    user = 'grafana',
    sslmode = 'disable',
    prometheusUrl = 'http://pgtel:4318',
  } = options;
  const certificates = (
    [
      ['sslRootCertFile', options.sslRootCertFile],
      ['sslCertFile', options.sslCertFile],
      ['sslKeyFile', options.sslKeyFile],
    ] as const
  ).filter(([, file]) => file !== undefined);
  const datasource = [
    'apiVersion: 1',
    'datasources:',
    '  - name: pgtel',
    `    uid: ${DATASOURCE_UID}`,
    '    type: grafana-postgresql-datasource',
    `    url: ${JSON.stringify(host)}`,
    `    user: ${JSON.stringify(user)}`,
    '    jsonData:',
    `      database: ${JSON.stringify(database)}`,
    `      sslmode: ${JSON.stringify(sslmode)}`,
    ...(certificates.length > 0 ? ['      tlsConfigurationMethod: "file-path"'] : []),
    ...certificates.map(([key, file]) => `      ${key}: ${JSON.stringify(file)}`),
    '      timescaledb: false',
    '    secureJsonData:',
    '      password: $PGTEL_GRAFANA_PASSWORD',
    '  - name: pgtel-prometheus',
    `    uid: ${PROMETHEUS_UID}`,
    '    type: prometheus',
    '    access: proxy',
    `    url: ${JSON.stringify(prometheusUrl)}`,
    '    jsonData:',
    '      httpMethod: POST',
    '      prometheusType: Prometheus',
    '      prometheusVersion: 2.53.0',
    '',
  ].join('\n');
  const provider = [
    'apiVersion: 1',
    'providers:',
    '  - name: pgtel',
    '    folder: pgtel',
    '    type: file',
    '    options:',
    '      path: /etc/grafana/provisioning/dashboards/pgtel',
    '',
  ].join('\n');
  return [
    { path: 'provisioning/datasources/pgtel.yaml', content: datasource },
    { path: 'provisioning/dashboards/pgtel.yaml', content: provider },
    {
      path: 'provisioning/dashboards/pgtel/pgtel-overview.json',
      content: `${JSON.stringify(overviewDashboard(schema), null, 2)}\n`,
    },
  ];
}
