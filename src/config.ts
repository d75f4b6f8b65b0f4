import { ConfigError } from './errors.js';

/** Minimum level of pgtel's own log lines. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Every setting of pgtel, resolved once: explicit options > environment > defaults. */
export interface PgtelConfig {
  /** PostgreSQL connection string. Default: unset, so the embedded PGlite database in `dataDir` is used. */
  databaseUrl: string | undefined;
  /** Folder of the embedded database, or `memory://` for an in-memory one. Default: `./.pgtel/data`. */
  dataDir: string;
  /** Schema holding pgtel's tables; quoted, so any name is safe. Default: `observability`. */
  schema: string;
  /** Maximum connections of the node-postgres pool. Default: 10. */
  poolSize: number;
  /** Monthly partitions created ahead of the current month. Default: 2. */
  partitionsAhead: number;
  /** Per-table retention in days, overriding each table's default (metrics 90, spans 30, logs 14). Default: `{}` (no overrides). */
  retentionDays: Record<string, number>;
  /** Minimum level of pgtel's own log lines (stderr). Default: `info`. */
  logLevel: LogLevel;
  /** `pgtel serve` also stores its own log lines (from `logLevel` up) in the `logs` table, as service `pgtel`. Default: false. */
  storeOwnLogs: boolean;
  /** Service name recorded on spans and metrics. Default: `unknown_service:node`. */
  serviceName: string;
  /** Turns span recording off (`OTEL_SDK_DISABLED=true`); ids stay valid, nothing is stored. Default: false. */
  tracingDisabled: boolean;
  /** Port of `pgtel serve` (the OTLP/HTTP port). Default: 4318. */
  port: number;
  /** Interface `pgtel serve` listens on. Default: `127.0.0.1` (loopback). */
  host: string;
  /** Bearer token required by the routes in `authScopes`. Default: unset, no token needed. */
  apiToken: string | undefined;
  /** Route groups the token guards: any of api, ingest, metrics, probes, dashboard. Default: api, ingest. */
  authScopes: string[];
  /** Largest accepted request body in bytes (compressed size; decompressed is capped at 4x). Default: 16 MiB. */
  maxBodyBytes: number;
  /** Statement timeout of every user-driven query (API, SQL rules), in milliseconds. Default: 5000. */
  queryTimeoutMs: number;
  /** Period of the frequent background jobs (alert evaluation, notification dispatch, sweeps), ms. Default: 15000. */
  jobIntervalMs: number;
  /** Period of maintenance (partitions, rollups, retention), ms. Default: 3600000 (one hour). */
  maintenanceIntervalMs: number;
  /**
   * On SIGTERM, how long readiness fails before `pgtel serve` stops taking requests, ms. Default: 5000
   * inside Kubernetes (`KUBERNETES_SERVICE_HOST` set), 0 elsewhere so Ctrl-C stops at once.
   */
  shutdownDelayMs: number;
  /** Days a completed, failed or cancelled workflow and its history are kept after it closed. Default: 30. */
  workflowRetentionDays: number;
  /** Base URL of the dashboard that alert notifications link to. Default: unset, `http://localhost:<port>`. */
  publicUrl: string | undefined;
  /**
   * Extra host names the dashboard and API answer to (Host header), beside loopback names, IP addresses
   * and `publicUrl`'s host; `*` answers any. Default: none.
   */
  allowedHosts: string[];
  /** Receiver of alert notifications as Alertmanager webhook JSON (version 4). Default: unset, none. */
  alertWebhookUrl: string | undefined;
  /** Name of the webhook receiver, the `receiver` field of its body. Default: `webhook`. */
  alertWebhookReceiver: string;
  /** Alertmanager base URLs alerts are pushed to (`/api/v2/alerts`), each gets every alert. Default: none. */
  alertmanagerUrls: string[];
  /** How often alerts still firing are pushed to Alertmanager again, ms. Default: 60000 (1 min). */
  alertResendDelayMs: number;
  /** After how long the test alert (`pgtel alerts test`) resolves itself, ms. Default: 300000 (5 min). */
  testAlertResolveAfterMs: number;
  /** Alert rule file (Prometheus rule-file YAML) `pgtel serve` loads at start and on SIGHUP. Default: unset, none. */
  rulesFile: string | undefined;
  /** Chat bot token (Telegram Bot API). Default: unset, no chat notifications. */
  chatBotToken: string | undefined;
  /** Chat the bot posts alerts into. Default: unset, no chat notifications. */
  chatId: string | undefined;
  /** Bot API base URL. Default: `https://api.telegram.org`. */
  chatApiUrl: string;
  /** Alert severities sent to the chat. Default: critical. */
  chatSeverities: string[];
  /** Port of OTLP/gRPC ingest beside the HTTP port; 0 picks a free one, `off` serves none. Default: 4317. */
  grpcPort: number | 'off';
  /** Longest wait for a pooled PostgreSQL connection (free or new) before a 503, ms. Default: 5000. */
  poolAcquireTimeoutMs: number;
  /** Time limit of one OTLP ingest request, database work included; past it 503 + Retry-After, ms. Default: 8000. */
  ingestDeadlineMs: number;
  /** Decompressed bytes all in-flight OTLP requests may hold together; beyond, 429 + Retry-After. Default: 256 MiB. */
  ingestMemoryBytes: number;
  /** Most spans, metric data points or log records in one OTLP request; beyond, 413. Default: 100000. */
  maxItemsPerRequest: number;
  /** Deepest nesting of arrays and objects in an OTLP/JSON body; beyond, 400. Default: 64. */
  maxJsonDepth: number;
  /** Folder of `pgtel serve`'s ingest spool. Default: unset, `spool` beside `dataDir` (`./.pgtel/spool`). */
  spoolDir: string | undefined;
  /** Disk budget of the ingest spool in bytes; 0 turns the spool off. Default: 1 GiB. */
  spoolMaxBytes: number;
}

/**
 * Options of `resolveConfig` and `openDatabase`: any field of `PgtelConfig`; unset ones come from the
 * environment, then the defaults (docs/configuration.md).
 */
export type PgtelOptions = Partial<PgtelConfig>;

/** How one setting of `PgtelConfig` is documented, read from the environment, parsed and checked. */
export interface OptionDefinition<K extends keyof PgtelConfig> {
  key: K;
  /** Environment variables read, first set wins. */
  env: readonly string[];
  default: PgtelConfig[K];
  /** Default that depends on the environment (e.g. running in Kubernetes); replaces `default` when given. */
  defaultFor?(env: NodeJS.ProcessEnv): PgtelConfig[K];
  /** Human form of the default for documentation. */
  defaultText: string;
  /** Never echo the value in an error (connection strings, tokens, URLs that may carry credentials). */
  secret?: boolean;
  description: string;
  parse(raw: string): PgtelConfig[K];
  /** Returns a problem description, or undefined when the value is acceptable. */
  check(value: PgtelConfig[K]): string | undefined;
}

/** The definition of any one setting, as listed in `optionDefinitions`. */
export type AnyOptionDefinition = { [K in keyof PgtelConfig]: OptionDefinition<K> }[keyof PgtelConfig];

/**
 * Largest request body pgtel accepts, in bytes, as sent (decompressed it may be 4x this): 16 MiB. The
 * one default of `maxBodyBytes`, for `pgtel serve` and for OTLP decoding called directly.
 */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

function integerIn(min: number, max: number) {
  return {
    parse: (raw: string) => (/^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN),
    check: (value: number) =>
      Number.isInteger(value) && value >= min && value <= max
        ? undefined
        : `must be a whole number from ${min} to ${max}`,
  };
}

const AUTH_SCOPES = ['api', 'ingest', 'metrics', 'probes', 'dashboard'];

function parseRetention(raw: string): Record<string, number> {
  const result: Record<string, number> = {};
  for (const part of raw.split(',').filter((p) => p.trim() !== '')) {
    const [table, days] = part.split('=').map((s) => s.trim());
    result[table ?? ''] = days !== undefined && /^\d+$/.test(days) ? Number(days) : Number.NaN;
  }
  return result;
}

function httpUrl(value: string | undefined): string | undefined {
  return value === undefined || /^https?:\/\/[^\s]+$/i.test(value)
    ? undefined
    : 'must be an http:// or https:// URL';
}

/** `grpcPort` as written in the environment or on the command line: a port number or `off`. */
export function parseGrpcPort(raw: string): number | 'off' {
  const text = raw.trim().toLowerCase();
  return text === 'off' ? 'off' : /^\d+$/.test(text) ? Number(text) : Number.NaN;
}

/** The option table. README.md's configuration table is checked against it by a test. */
export const optionDefinitions: readonly AnyOptionDefinition[] = [
  {
    key: 'databaseUrl',
    secret: true,
    env: ['PGTEL_DATABASE_URL', 'DATABASE_URL'],
    default: undefined,
    defaultText: '(unset: embedded PGlite)',
    description: 'PostgreSQL connection string (`postgres://` or `postgresql://`).',
    parse: (raw) => raw,
    check: (value) =>
      value === undefined || /^postgres(ql)?:\/\//i.test(value)
        ? undefined
        : 'must start with postgres:// or postgresql://',
  },
  {
    key: 'dataDir',
    env: ['PGTEL_DATA_DIR'],
    default: './.pgtel/data',
    defaultText: '`./.pgtel/data`',
    description: 'Folder of the embedded database when no URL is set; `memory://` keeps it in memory.',
    parse: (raw) => raw,
    check: (value) => (value.trim() === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'schema',
    env: ['PGTEL_SCHEMA'],
    default: 'observability',
    defaultText: '`observability`',
    description: "Schema holding pgtel's tables.",
    parse: (raw) => raw,
    check: (value) =>
      value === '' || Buffer.byteLength(value) > 63 || value.includes('\0')
        ? 'must be 1 to 63 bytes without NUL characters'
        : undefined,
  },
  {
    key: 'poolSize',
    env: ['PGTEL_POOL_SIZE'],
    default: 10,
    defaultText: '`10`',
    description: 'Maximum connections of the PostgreSQL pool.',
    ...integerIn(1, 1000),
  },
  {
    key: 'partitionsAhead',
    env: ['PGTEL_PARTITIONS_AHEAD'],
    default: 2,
    defaultText: '`2`',
    description: 'Monthly partitions kept ready after the current month.',
    ...integerIn(0, 24),
  },
  {
    key: 'retentionDays',
    env: ['PGTEL_RETENTION_DAYS'],
    default: {},
    defaultText: '`metrics=90,spans=30,logs=14`',
    description:
      'Days of data kept per table, e.g. `metrics=180,spans=14,logs=7`; older partitions are dropped.',
    parse: parseRetention,
    check: (value) =>
      Object.entries(value).every(([table, days]) => table !== '' && Number.isInteger(days) && days > 0)
        ? undefined
        : 'must be a list like metrics=90,spans=30 with whole numbers of days above 0',
  },
  {
    key: 'logLevel',
    env: ['PGTEL_LOG_LEVEL'],
    default: 'info',
    defaultText: '`info`',
    description: "Minimum level of pgtel's own log lines: debug, info, warn, error or silent.",
    parse: (raw) => raw.trim().toLowerCase() as LogLevel,
    check: (value) => (LOG_LEVELS.includes(value) ? undefined : `must be one of ${LOG_LEVELS.join(', ')}`),
  },
  {
    key: 'storeOwnLogs',
    env: ['PGTEL_STORE_OWN_LOGS'],
    default: false,
    defaultText: '`false`',
    description:
      '`true` makes `pgtel serve` store its own log lines (from `logLevel` up) in the `logs` table as service `pgtel`, besides stderr: written every second, at most 1,000 waiting (more are dropped).',
    // Anything but true or false stays text, which the check refuses with a clear message.
    parse: (raw) => ({ true: true, false: false })[raw.trim().toLowerCase()] ?? (raw as unknown as boolean),
    check: (value) => (typeof value === 'boolean' ? undefined : 'must be true or false'),
  },
  {
    key: 'serviceName',
    env: ['OTEL_SERVICE_NAME'],
    default: 'unknown_service:node',
    defaultText: '`unknown_service:node`',
    description: 'Service name recorded on spans and metrics.',
    parse: (raw) => raw.trim(),
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'tracingDisabled',
    env: ['OTEL_SDK_DISABLED'],
    default: false,
    defaultText: '`false`',
    description: '`true` turns span recording off: ids stay valid and propagate, nothing is stored.',
    // As the OpenTelemetry specification reads it: only `true` (any case) disables, anything else is false.
    parse: (raw) => /^\s*true\s*$/i.test(raw),
    check: () => undefined,
  },
  {
    key: 'port',
    env: ['PGTEL_PORT'],
    default: 4318,
    defaultText: '`4318`',
    description: 'Port of `pgtel serve` (probes, `/metrics`, OTLP, API, dashboard); 0 picks a free one.',
    ...integerIn(0, 65535),
  },
  {
    key: 'host',
    env: ['PGTEL_HOST'],
    default: '127.0.0.1',
    defaultText: '`127.0.0.1`',
    description: 'Interface `pgtel serve` listens on; set `0.0.0.0` to accept other machines.',
    parse: (raw) => raw.trim(),
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'apiToken',
    secret: true,
    env: ['PGTEL_API_TOKEN'],
    default: undefined,
    defaultText: '(unset: no token)',
    description: 'Bearer token required on the route groups of `authScopes`.',
    parse: (raw) => raw,
    check: (value) =>
      value === undefined || value.length >= 16 ? undefined : 'must be at least 16 characters',
  },
  {
    key: 'authScopes',
    env: ['PGTEL_AUTH_SCOPES'],
    default: ['api', 'ingest'],
    defaultText: '`api,ingest`',
    description: 'Route groups the token guards: any of `api`, `ingest`, `metrics`, `probes`, `dashboard`.',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    check: (value) =>
      value.every((scope) => AUTH_SCOPES.includes(scope))
        ? undefined
        : `must list only ${AUTH_SCOPES.join(', ')}`,
  },
  {
    key: 'maxBodyBytes',
    env: ['PGTEL_MAX_BODY_BYTES'],
    default: DEFAULT_MAX_BODY_BYTES,
    defaultText: '`16777216` (16 MiB)',
    description: 'Largest accepted request body; larger ones get 413. Decompressed bodies may be 4x this.',
    ...integerIn(1024, 1024 * 1024 * 1024),
  },
  {
    key: 'queryTimeoutMs',
    env: ['PGTEL_QUERY_TIMEOUT_MS'],
    default: 5000,
    defaultText: '`5000`',
    description: 'Statement timeout of every user-driven query (API, SQL alert rules), in milliseconds.',
    ...integerIn(10, 600_000),
  },
  {
    key: 'jobIntervalMs',
    env: ['PGTEL_JOB_INTERVAL_MS'],
    default: 15_000,
    defaultText: '`15000`',
    description: 'Period of alert evaluation, notification dispatch and workflow sweeps, in milliseconds.',
    ...integerIn(100, 3_600_000),
  },
  {
    key: 'maintenanceIntervalMs',
    env: ['PGTEL_MAINTENANCE_INTERVAL_MS'],
    default: 3_600_000,
    defaultText: '`3600000` (1 h)',
    description: 'Period of partition maintenance, rollups and retention, in milliseconds.',
    ...integerIn(1000, 86_400_000),
  },
  {
    key: 'shutdownDelayMs',
    env: ['PGTEL_SHUTDOWN_DELAY_MS'],
    default: 0,
    // Only Kubernetes needs the pause (endpoints update after readiness fails); elsewhere it only delays Ctrl-C.
    defaultFor: (env) => (env.KUBERNETES_SERVICE_HOST ? 5000 : 0),
    defaultText: '`5000` in Kubernetes (`KUBERNETES_SERVICE_HOST` set), else `0`',
    description:
      'On SIGTERM, how long readiness fails before `pgtel serve` stops taking requests (endpoints update meanwhile).',
    ...integerIn(0, 60_000),
  },
  {
    key: 'workflowRetentionDays',
    env: ['PGTEL_WORKFLOW_RETENTION_DAYS'],
    default: 30,
    defaultText: '`30`',
    description:
      'Days closed (completed, failed, cancelled) workflows and their history are kept; open ones are never removed.',
    ...integerIn(1, 36_500),
  },
  {
    key: 'publicUrl',
    env: ['PGTEL_PUBLIC_URL'],
    default: undefined,
    defaultText: '(unset: `http://localhost:<port>`)',
    description:
      'Base URL of the dashboard as users reach it; alert notifications link to the alert, its traces and workflows there.',
    parse: (raw) => raw.trim(),
    check: httpUrl,
  },
  {
    key: 'allowedHosts',
    env: ['PGTEL_ALLOWED_HOSTS'],
    default: [],
    defaultText: '(unset: loopback names, IP addresses and the host of `publicUrl`)',
    description:
      "Host names (comma-separated, no port) the dashboard and API answer to besides `localhost`, IP addresses and `publicUrl`'s host; other Host headers get 421, against DNS rebinding. `*` answers any. When `host` is not loopback and neither this nor `publicUrl` is set, any Host is answered if `apiToken` guards the `api` scope. Ingest, probes and `/metrics` answer any Host.",
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== ''),
    check: (value) => {
      const bad = value.find((name) => name !== '*' && !/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(name));
      return bad === undefined ? undefined : `has ${JSON.stringify(bad)}, not a host name without port`;
    },
  },
  {
    key: 'alertWebhookUrl',
    secret: true,
    env: ['PGTEL_ALERT_WEBHOOK_URL'],
    default: undefined,
    defaultText: '(unset: none)',
    description: 'URL receiving alert notifications as Alertmanager webhook JSON (version 4).',
    parse: (raw) => raw.trim(),
    check: httpUrl,
  },
  {
    key: 'rulesFile',
    env: ['PGTEL_RULES_FILE'],
    default: undefined,
    defaultText: '(unset: no rule file)',
    description:
      'Alert rule file in the Prometheus rule-file shape (`groups:` of rules, see docs/alert-rules.md). `pgtel serve` applies it at start (refusing to start when it has problems) and again on SIGHUP; rules removed from the file are deleted and their alerts resolved.',
    parse: (raw) => raw,
    check: (value) => (value !== undefined && value.trim() === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'alertWebhookReceiver',
    env: ['PGTEL_ALERT_WEBHOOK_RECEIVER'],
    default: 'webhook',
    defaultText: '`webhook`',
    description:
      'Receiver name in the webhook body (`receiver`), as an Alertmanager receiver would be named.',
    parse: (raw) => raw.trim(),
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'alertmanagerUrls',
    secret: true,
    env: ['PGTEL_ALERTMANAGER_URLS', 'PGTEL_ALERTMANAGER_URL'],
    default: [],
    defaultText: '(unset: none)',
    description:
      'Alertmanager base URLs alerts are pushed to (`/api/v2/alerts`), comma-separated, e.g. `http://am-1:9093,http://am-2:9093`; each gets every alert, as from Prometheus.',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    check: (value) => value.map(httpUrl).find((problem) => problem !== undefined),
  },
  {
    key: 'alertResendDelayMs',
    env: ['PGTEL_ALERT_RESEND_DELAY_MS'],
    default: 60_000,
    defaultText: '`60000` (1 min)',
    description:
      "How often alerts still firing are pushed to Alertmanager again (Prometheus's `--rules.alert.resend-delay`); their `endsAt` is 4 times the longer of this and `jobIntervalMs` ahead, in milliseconds.",
    ...integerIn(1000, 3_600_000),
  },
  {
    key: 'testAlertResolveAfterMs',
    env: ['PGTEL_TEST_ALERT_RESOLVE_AFTER_MS'],
    default: 300_000,
    defaultText: '`300000` (5 min)',
    description:
      'After how long the test alert of `pgtel alerts test` resolves itself (a resolve is sent), in milliseconds.',
    ...integerIn(1000, 86_400_000),
  },
  {
    key: 'chatBotToken',
    secret: true,
    env: ['PGTEL_CHAT_BOT_TOKEN', 'TELEGRAM_BOT_TOKEN'],
    default: undefined,
    defaultText: '(unset: no chat)',
    description: 'Telegram bot token for chat alerts (needs `chatId` too).',
    parse: (raw) => raw.trim(),
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'chatId',
    env: ['PGTEL_CHAT_ID', 'TELEGRAM_CHAT_ID'],
    default: undefined,
    defaultText: '(unset: no chat)',
    description: 'Chat the bot posts alerts into.',
    parse: (raw) => raw.trim(),
    check: (value) => (value === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'chatApiUrl',
    env: ['PGTEL_CHAT_API_URL'],
    default: 'https://api.telegram.org',
    defaultText: '`https://api.telegram.org`',
    description: 'Bot API base URL (point it at a proxy or a test server).',
    parse: (raw) => raw.trim(),
    check: httpUrl,
  },
  {
    key: 'chatSeverities',
    env: ['PGTEL_CHAT_SEVERITIES'],
    default: ['critical'],
    defaultText: '`critical`',
    description: 'Alert severities sent to the chat: any of `critical`, `warning`, `info`.',
    parse: (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    check: (value) =>
      value.length > 0 && value.every((s) => ['critical', 'warning', 'info'].includes(s))
        ? undefined
        : 'must list one or more of critical, warning, info',
  },
  {
    key: 'grpcPort',
    env: ['PGTEL_GRPC_PORT'],
    default: 4317,
    defaultText: '`4317`',
    description:
      'Port of OTLP/gRPC ingest (traces and metrics) on the same `host`; 0 picks a free one, `off` serves no gRPC.',
    parse: parseGrpcPort,
    check: (value) =>
      value === 'off' || (Number.isInteger(value) && value >= 0 && value <= 65535)
        ? undefined
        : 'must be a whole number from 0 to 65535, or off',
  },
  {
    key: 'poolAcquireTimeoutMs',
    env: ['PGTEL_POOL_ACQUIRE_TIMEOUT_MS'],
    default: 5000,
    defaultText: '`5000`',
    description:
      'Longest wait for a pooled PostgreSQL connection (a free one or a new one); then 503 with `Retry-After`, in milliseconds.',
    ...integerIn(100, 600_000),
  },
  {
    key: 'ingestDeadlineMs',
    env: ['PGTEL_INGEST_DEADLINE_MS'],
    default: 8000,
    defaultText: '`8000`',
    description:
      "Time limit of one OTLP ingest request, database work included (below the exporters' 10 s timeout); then 503 with `Retry-After` and the work is cancelled, in milliseconds.",
    ...integerIn(100, 600_000),
  },
  {
    key: 'ingestMemoryBytes',
    env: ['PGTEL_INGEST_MEMORY_BYTES'],
    default: 256 * 1024 * 1024,
    defaultText: '`268435456` (256 MiB)',
    description:
      'Decompressed bytes all in-flight OTLP requests may hold together; a request that would go beyond gets 429 with `Retry-After`.',
    ...integerIn(1024 * 1024, 2 ** 40),
  },
  {
    key: 'maxItemsPerRequest',
    env: ['PGTEL_MAX_ITEMS_PER_REQUEST'],
    default: 100_000,
    defaultText: '`100000`',
    description: 'Most spans, metric data points or log records one OTLP request may carry; more get 413.',
    ...integerIn(1, 100_000_000),
  },
  {
    key: 'maxJsonDepth',
    env: ['PGTEL_MAX_JSON_DEPTH'],
    default: 64,
    defaultText: '`64`',
    description: 'Deepest nesting of arrays and objects in an OTLP/JSON body; deeper bodies get 400.',
    ...integerIn(8, 1000),
  },
  {
    key: 'spoolDir',
    env: ['PGTEL_SPOOL_DIR'],
    default: undefined,
    defaultText: '(unset: `spool` beside `dataDir`, `./.pgtel/spool`)',
    description:
      "Folder where `pgtel serve` keeps accepted OTLP requests while PostgreSQL is away (fsync'd before the 200, stored in order once it is back).",
    parse: (raw) => raw,
    check: (value) => (value !== undefined && value.trim() === '' ? 'must not be empty' : undefined),
  },
  {
    key: 'spoolMaxBytes',
    env: ['PGTEL_SPOOL_MAX_BYTES'],
    default: 1024 * 1024 * 1024,
    defaultText: '`1073741824` (1 GiB)',
    description:
      'Disk budget of the spool; when it is used up, OTLP requests get 503 with Retry-After. `0` turns the spool off.',
    ...integerIn(0, 2 ** 40),
  },
];

function resolveOne(
  definition: AnyOptionDefinition,
  options: PgtelOptions,
  env: NodeJS.ProcessEnv,
): [keyof PgtelConfig, unknown] {
  const explicit = options[definition.key];
  if (explicit !== undefined) {
    const problem = (definition.check as (v: unknown) => string | undefined)(explicit);
    if (problem) {
      const shown = definition.secret ? '(value hidden)' : JSON.stringify(explicit);
      throw new ConfigError(`Option ${definition.key} ${problem} (got ${shown}).`);
    }
    return [definition.key, explicit];
  }
  for (const name of definition.env) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = definition.parse(raw);
    const problem = (definition.check as (v: unknown) => string | undefined)(value);
    if (problem) {
      const shown = definition.secret ? '(value hidden)' : JSON.stringify(raw);
      throw new ConfigError(
        `Environment variable ${name} ${problem} (got ${shown}); fix or unset it (option ${definition.key}).`,
      );
    }
    return [definition.key, value];
  }
  return [definition.key, definition.defaultFor ? definition.defaultFor(env) : definition.default];
}

/** Resolves one option (explicit > environment > default); throws ConfigError naming it and the fix. */
export function resolveOption<K extends keyof PgtelConfig>(
  key: K,
  options: PgtelOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): PgtelConfig[K] {
  const definition = optionDefinitions.find((d) => d.key === key) as AnyOptionDefinition;
  return resolveOne(definition, options, env)[1] as PgtelConfig[K];
}

/** Resolves every option once; throws ConfigError naming the option and the fix. */
export function resolveConfig(options: PgtelOptions = {}, env: NodeJS.ProcessEnv = process.env): PgtelConfig {
  return Object.fromEntries(
    optionDefinitions.map((d) => resolveOne(d, options, env)),
  ) as unknown as PgtelConfig;
}
