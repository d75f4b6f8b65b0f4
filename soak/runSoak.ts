import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { saveAlertRules } from '../src/alerts/index.js';
import { quoteIdent } from '../src/db/quoteIdent.js';
import { maintainPartitions, migrate, openDatabase } from '../src/index.js';
import { account, type Check, renderReport } from './accounting.js';
import { type FaultRecord, lockTable, restartPostgres } from './faults.js';
import { hostileRequests } from './hostileRequests.js';
import { CLOCK_OFFSET_ENV, nextMonthStart, offsetClock } from './offsetClock.js';
import { retryUntil } from './retryUntil.js';
import { freePort, ReportingChild, ServeInstance, WebhookReceiver } from './soakProcesses.js';
import {
  alertEvaluationChecks,
  notificationChecks,
  partitionChecks,
  rowsPerPartition,
  storedCounts,
} from './soakQueries.js';
import type { AppReport, LoadReport } from './soakTypes.js';

/**
 * `npm run soak` (a few minutes, five faults) and `npm run soak:short` (about a minute, four faults,
 * no PostgreSQL restart): app processes, two `pgtel serve` instances on one schema and an OTLP load
 * generator, all on loopback; faults on a schedule; then the accounting, written to soak/report.json.
 * Exits 1 when anything does not balance or a check fails.
 */
const short = process.argv.includes('--short');
const durationMs = Number(process.env.SOAK_DURATION_MS ?? (short ? 60_000 : 240_000));
const lockMs = short ? 5_000 : 30_000;
const apps = Number(process.env.SOAK_APPS ?? 3);
const baseUrl = process.env.SOAK_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// A password in the URL (trust auth ignores it) and a token, both looked for in every output.
const secretPassword = `soakpw${Math.random().toString(36).slice(2, 10)}`;
const databaseUrl = baseUrl.replace('postgres://postgres@', `postgres://postgres:${secretPassword}@`);
const apiToken = `soak-token-${Math.random().toString(36).slice(2, 14)}`;
const schema = `soak_${Date.now()}`;
const started = Date.now();
const at = () => Date.now() - started;
const log = (message: string) => console.log(`[soak ${(at() / 1000).toFixed(1).padStart(6)} s] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const monthTag = (ms: number) => {
  const d = new Date(ms);
  return `p${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
};

// The shifted clock reaches the next month boundary halfway through the soak.
const crossAt = started + durationMs / 2;
const clockOffsetMs = nextMonthStart(started) - crossAt;
const shifted = offsetClock(clockOffsetMs);

const db = await openDatabase({ databaseUrl, schema, poolSize: 2, logLevel: 'error' });
await migrate(db, { clock: shifted });
// SQL rules on what carries real time (app spans; metrics and workflows use the shifted clock).
await saveAlertRules(db, [
  {
    name: 'soak_apps_tracing',
    source: {
      kind: 'sql',
      sql: `SELECT service_name AS service, count(*)::float8 AS value FROM ${db.table('spans')}
             WHERE start_time > $1::timestamptz - interval '10 seconds' AND service_name LIKE 'soak-app-%'
             GROUP BY service_name`,
    },
    levels: [{ severity: 'warning', threshold: 0 }],
    intervalMs: 2_000,
    repeatIntervalMs: 8_000,
    groupBy: ['alertname', 'service'],
  },
  {
    name: 'soak_workflows_backlog',
    source: {
      kind: 'sql',
      sql: `SELECT count(*)::float8 AS value FROM ${db.table('workflow_state')} WHERE status = 'running'`,
    },
    levels: [{ severity: 'critical', threshold: 10_000 }],
    intervalMs: 3_000,
    noData: 'ok',
  },
]);
const rulesSavedAt = Date.now();
const receiver = new WebhookReceiver();
const webhookUrl = await receiver.start();
log(
  `schema ${schema}, ${apps} apps, ${durationMs / 1000} s, clock offset ${clockOffsetMs} ms (crosses a month at ${durationMs / 2000} s)`,
);

const serveEnv = {
  PGTEL_DATABASE_URL: databaseUrl,
  PGTEL_SCHEMA: schema,
  PGTEL_API_TOKEN: apiToken,
  PGTEL_JOB_INTERVAL_MS: '1000',
  PGTEL_MAINTENANCE_INTERVAL_MS: '15000',
  PGTEL_SHUTDOWN_DELAY_MS: '0',
  PGTEL_ALERT_WEBHOOK_URL: webhookUrl,
  PGTEL_LOG_LEVEL: 'info',
};
const serves = [
  new ServeInstance('serve-a', await freePort(), serveEnv),
  new ServeInstance('serve-b', await freePort(), serveEnv),
];
await Promise.all(serves.map((s) => s.start()));
log(`serving on ${serves.map((s) => s.url).join(' and ')}`);

const childEnv = {
  SOAK_DATABASE_URL: databaseUrl,
  SOAK_SCHEMA: schema,
  [CLOCK_OFFSET_ENV]: String(clockOffsetMs),
};
const workers = Array.from(
  { length: apps },
  (_, i) => new ReportingChild<AppReport>('./appWorker.js', { ...childEnv, SOAK_PROC: `soak-app-${i + 1}` }),
);
const load = new ReportingChild<LoadReport & { runId: string }>('./loadGenerator.js', {
  ...childEnv,
  SOAK_SERVE_URLS: serves.map((s) => s.url).join(','),
  SOAK_API_TOKEN: apiToken,
});
const sampler = setInterval(() => void Promise.all(serves.map((s) => s.sampleMemory())), 1_000);

const faults: FaultRecord[] = [];
async function fault(name: string, work: () => Promise<string>): Promise<void> {
  const atMs = at();
  log(`fault: ${name}`);
  try {
    const detail = await work();
    faults.push({ fault: name, atMs, durationMs: at() - atMs, detail });
    log(`fault done: ${detail}`);
  } catch (error) {
    faults.push({
      fault: name,
      atMs,
      durationMs: at() - atMs,
      detail: `FAILED: ${(error as Error).message}`,
    });
  }
}
const killAndRestart = () =>
  fault('SIGKILL serve-b, restart', async () => {
    await serves[1]!.stop('SIGKILL');
    await sleep(2_000);
    await serves[1]!.start();
    return `serve-b killed (SIGKILL) and restarted on ${serves[1]!.url}`;
  });
const lock = () =>
  fault(`lock spans ${lockMs / 1000} s`, () => lockTable(databaseUrl, schema, 'spans', lockMs));
const crossing = () =>
  fault('clock crosses a month boundary', async () => {
    const report = await maintainPartitions(db, { clock: shifted });
    return `shifted clock now ${new Date(shifted.now()).toISOString()}; partition maintenance on it created ${report.created.join(', ') || 'nothing new'}`;
  });
const hostile = () =>
  fault('hostile requests (gzip bomb, item flood, deep JSON) with /livez timed', () =>
    hostileRequests(serves[0]!.url, apiToken),
  );
const schedule: [number, () => Promise<void>][] = short
  ? [
      [0.25, killAndRestart],
      [0.4, hostile],
      [0.5, lock],
      [0.65, crossing],
    ]
  : [
      [0.15, killAndRestart],
      [0.25, hostile],
      [0.3, lock],
      [0.55, crossing],
      [0.65, () => fault('restart PostgreSQL', restartPostgres)],
    ];
for (const [fraction, run] of schedule) {
  await sleep(Math.max(0, started + fraction * durationMs - Date.now()));
  await run();
}
await sleep(Math.max(0, started + durationMs - Date.now()));

log('stopping load and apps');
load.stop();
for (const w of workers) w.stop();
const loadReport = await load.report;
const appReports = await Promise.all(workers.map((w) => w.report));
// Let notifications of the last evaluations go out before serve stops.
await sleep(3_000);
// Requests accepted while the database was away wait in each serve's spool until stored: let them land.
for (const serve of serves) {
  const drained = await retryUntil(
    async () => {
      const text = await (await fetch(`${serve.url}/metrics`)).text();
      if (!/^pgtel_spool_records 0$/m.test(text)) throw new Error('spool not drained yet');
    },
    { deadlineMs: 60_000, delayMs: 500 },
  );
  if (!drained.ok) log(`${serve.name}: spool not drained before shutdown (${drained.reason})`);
}
const activeMs = Date.now() - rulesSavedAt;
clearInterval(sampler);
await Promise.all(serves.map((s) => s.stop('SIGTERM')));
await receiver.close();

const stored = await storedCounts(db);
const rows = account(appReports, loadReport, stored);
const sigkills = faults.filter((f) => f.fault.startsWith('SIGKILL')).length;
const notifications = await notificationChecks(db, receiver.deliveries, sigkills);
const months = [
  monthTag(started),
  monthTag(nextMonthStart(started)),
  monthTag(nextMonthStart(nextMonthStart(started))),
];
const outputs = [...serves.map((s) => s.output), load.output, ...workers.map((w) => w.output)].join('\n');
const secretsShown = [secretPassword, apiToken].filter((s) => outputs.includes(s)).length;
const mb = (b: number) => Math.round(b / 1048576);
const checks: Check[] = [
  ...rows.map((r) => ({
    name: `${r.signal} of ${r.process} balance`,
    ok: r.balanced,
    detail: `${r.produced} = ${r.stored} stored + ${r.dropped} dropped`,
  })),
  ...(await alertEvaluationChecks(db, activeMs)),
  ...notifications.checks,
  ...(await partitionChecks(db, months)),
  ...appReports.map((a) => ({
    name: `queues and memory of ${a.proc} within bounds`,
    ok:
      a.maxSpanQueue <= a.bounds.spanQueue &&
      a.maxMetricPending <= a.bounds.metricQueue &&
      a.maxRssBytes < 512 * 1048576,
    detail: `span queue max ${a.maxSpanQueue}/${a.bounds.spanQueue}, metric rows pending max ${a.maxMetricPending}/${a.bounds.metricQueue}, RSS max ${mb(a.maxRssBytes)} MiB`,
  })),
  ...serves.map((s) => ({
    name: `memory of ${s.name}`,
    ok: s.maxRssBytes > 0 && s.maxRssBytes < 512 * 1048576,
    detail: `RSS max ${mb(s.maxRssBytes)} MiB over ${s.starts} start(s)`,
  })),
  {
    // Balanced is not enough: a load refused as a whole balances too.
    name: 'OTLP load accepted',
    ok:
      loadReport.spans.accepted > 0 &&
      loadReport.points.accepted > 0 &&
      loadReport.spans.rejected === 0 &&
      loadReport.points.rejected === 0,
    detail: `spans ${loadReport.spans.accepted} accepted, ${loadReport.spans.rejected} rejected; points ${loadReport.points.accepted} accepted, ${loadReport.points.rejected} rejected`,
  },
  {
    name: 'no secret in any output',
    ok: secretsShown === 0,
    detail: `database password and API token searched in ${outputs.length} characters of output: ${secretsShown} found`,
  },
  ...faults.map((f) => ({ name: `fault: ${f.fault}`, ok: !f.detail.startsWith('FAILED'), detail: f.detail })),
];
const report = {
  mode: short ? 'short' : 'full',
  startedAt: new Date(started).toISOString(),
  durationMs,
  schema,
  processes: { apps, serveInstances: serves.length, loadGenerators: 1 },
  clockOffsetMs,
  faults,
  accounting: rows,
  load: {
    requests: loadReport.requests,
    responses: loadReport.responses,
    ambiguousRetries: loadReport.ambiguousRetries,
  },
  notifications: notifications.figures,
  rowsPerPartition: {
    spans: await rowsPerPartition(db, 'spans'),
    metrics: await rowsPerPartition(db, 'metrics'),
  },
  apps: appReports.map(
    ({ proc, maxRssBytes, maxHeapBytes, maxSpanQueue, maxMetricPending, bounds, spans, metricRows }) => ({
      proc,
      maxRssBytes,
      maxHeapBytes,
      maxSpanQueue,
      maxMetricPending,
      bounds,
      spanRetries: spans.stats.retries,
      metricFailedWrites: metricRows.stats.failedWrites,
    }),
  ),
  serves: serves.map((s) => ({ name: s.name, starts: s.starts, maxRssBytes: s.maxRssBytes })),
  checks,
  ok: checks.every((c) => c.ok),
};
writeFileSync(
  fileURLToPath(new URL('../../soak/report.json', import.meta.url)),
  `${JSON.stringify(report, null, 2)}\n`,
);
writeFileSync(fileURLToPath(new URL('../../soak/serve-output.log', import.meta.url)), outputs);
console.log(`\n${renderReport(rows, checks)}\n`);
console.log(`report written to soak/report.json: ${report.ok ? 'BALANCED, all checks pass' : 'FAILED'}`);
if (!process.env.SOAK_KEEP_SCHEMA)
  await db.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`).catch(() => {});
await db.close();
process.exit(report.ok ? 0 : 1);
