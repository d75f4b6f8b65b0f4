import type { Command } from './Command.js';

/**
 * Every pgtel command by name, in help order. A command's module (and what it imports: database
 * drivers, the server) is loaded only when that command runs, so each command starts with its own
 * imports alone.
 */
export interface CommandEntry {
  name: string;
  /** One line in `pgtel --help` and atop the command's own `--help`. */
  summary: string;
  load(): Promise<Command>;
}

export const commandIndex: readonly CommandEntry[] = [
  {
    name: 'serve',
    summary: 'Run the service: probes, /metrics, OTLP ingest, JSON API, dashboard, background jobs',
    load: () => import('./commands/serve.js').then((m) => m.serveCommand),
  },
  {
    name: 'migrate',
    summary: 'Create or upgrade the schema and partitions (--dry-run lists pending migrations)',
    load: () => import('./commands/migrate.js').then((m) => m.migrateCommand),
  },
  {
    name: 'status',
    summary: 'Show the database, schema version, table sizes and the ingest spool',
    load: () => import('./commands/status.js').then((m) => m.statusCommand),
  },
  {
    name: 'doctor',
    summary: 'Check config, connectivity, migrations, partitions, lock holder, clock skew; print fixes',
    load: () => import('./commands/doctor.js').then((m) => m.doctorCommand),
  },
  {
    name: 'traces',
    summary: 'Search traces (newest first) by service, operation, status, duration, attributes',
    load: () => import('./commands/traces.js').then((m) => m.tracesCommand),
  },
  {
    name: 'trace',
    summary: 'Show one trace as a waterfall (spans nested by parent on a time axis, errors marked)',
    load: () => import('./commands/traces.js').then((m) => m.traceCommand),
  },
  {
    name: 'logs',
    summary: 'Search log records (by service, severity, words, trace) or follow them live',
    load: () => import('./commands/logs.js').then((m) => m.logsCommand),
  },
  {
    name: 'metrics',
    summary: 'List metrics, or one metric over time (per step, grouped by labels or service.name)',
    load: () => import('./commands/metrics.js').then((m) => m.metricsCommand),
  },
  {
    name: 'promql',
    summary: "Evaluate a PromQL query through Prometheus's HTTP API (instant, or over a range)",
    load: () => import('./commands/promql.js').then((m) => m.promqlCommand),
  },
  {
    name: 'query',
    summary: "Run one read-only SQL query in pgtel's schema (statement timeout, row limit)",
    load: () => import('./commands/query.js').then((m) => m.queryCommand),
  },
  {
    name: 'workflows',
    summary: 'List workflows (newest first) by status, type, stuck',
    load: () => import('./commands/workflows.js').then((m) => m.workflowsCommand),
  },
  {
    name: 'workflow',
    summary: 'Show one workflow with its history and time per phase',
    load: () => import('./commands/workflows.js').then((m) => m.workflowCommand),
  },
  {
    name: 'alerts',
    summary:
      'Alerts firing, without data or in error (exit 3 when any), history, test send, acknowledge, resolve, silences',
    load: () => import('./commands/alerts.js').then((m) => m.alertsCommand),
  },
  {
    name: 'rules',
    summary:
      'Alert rules: check or apply a rule file (Prometheus rule-file YAML), list rules and their state',
    load: () => import('./commands/rules.js').then((m) => m.rulesCommand),
  },
  {
    name: 'prune',
    summary: 'Apply retention now: drop expired partitions, closed workflows, old alert history',
    load: () => import('./commands/prune.js').then((m) => m.pruneCommand),
  },
  {
    name: 'demo',
    summary: 'Load a burst of demo data (traced pipeline batches, metrics, workflows, alert rules) and exit',
    load: () => import('./commands/demo.js').then((m) => m.demoCommand),
  },
  {
    name: 'grafana',
    summary: "Write Grafana provisioning (data source + dashboard over pgtel's tables)",
    load: () => import('./commands/grafana.js').then((m) => m.grafanaCommand),
  },
];
