import { notifiersFromConfig } from '../../alerts/notifiersFromConfig.js';
import { sendTestAlert } from '../../alerts/sendTestAlert.js';
import { resolveConfig } from '../../config.js';
import { openDatabase } from '../../db/openDatabase.js';
import { createLogger } from '../../logger.js';
import { redact } from '../../redact.js';
import { type CliIo, type Command, EXIT } from '../Command.js';
import { parseDuration } from '../parseDuration.js';
import { parseMatcher } from '../parseMatcher.js';
import { renderTable } from '../renderTable.js';
import { styleFor } from '../Style.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

interface AlertInstance {
  origin: 'rule' | 'threshold';
  rule: string;
  labels: Record<string, string>;
  state: string;
  severity: string | null;
  value: number | null;
  firingSince: string | null;
  alertId: number | null;
  acknowledgedBy: string | null;
  error: string | null;
}

interface HistoryEntry {
  rule: string;
  labels: Record<string, string>;
  from: string;
  to: string;
  severity: string | null;
  value: number | null;
  at: string;
}

interface SilenceView {
  id: number;
  matchers: { name: string; op?: string; value: string }[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

type Values = Record<string, unknown>;

function labelText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .filter(([k]) => k !== 'alertname')
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function requireBy(values: Values): string {
  const by = flag(values, 'by');
  if (!by) throw new UsageError('--by <name> is required (who acknowledges or silences)');
  return by;
}

async function firing(values: Values, io: CliIo): Promise<number> {
  const { alerts } = await withApi(values, io, ({ client }) =>
    client.get<{ alerts: AlertInstance[] }>('/alerts', { rule: flag(values, 'rule') }),
  );
  const count = (state: string) => alerts.filter((a) => a.state === state).length;
  if (values.json) printJson(io, { alerts });
  else if (alerts.length === 0) io.out('No alerts firing. None without data or in error.\n');
  else {
    const style = styleFor(io);
    io.out(
      `${count('firing')} firing, ${count('nodata')} without data (nodata), ${count('error')} in error\n\n`,
    );
    io.out(
      renderTable(
        ['alert id', 'rule', 'state', 'severity', 'value', 'since', 'labels', 'acknowledged by'],
        alerts.map((a) => [
          a.alertId === null ? '-' : String(a.alertId),
          a.origin === 'threshold' ? `${a.rule} (threshold check)` : a.rule,
          a.error ? `${a.state}: ${a.error}` : a.state,
          a.severity ?? '',
          a.value === null ? '' : String(Number(a.value.toPrecision(6))),
          a.firingSince ?? '',
          labelText(a.labels),
          a.acknowledgedBy ?? '',
        ]),
      ),
    );
    io.out(
      style.dim(
        '\nAcknowledge: pgtel alerts ack <alert id> --by <name>; resolve a threshold alert: pgtel alerts resolve <alert id>\n',
      ),
    );
  }
  // nodata and error count too: a rule that cannot see its data cannot say that all is well.
  return alerts.length > 0 ? EXIT.unhealthy : EXIT.ok;
}

async function history(values: Values, io: CliIo): Promise<number> {
  const result = await withApi(values, io, ({ client }) =>
    client.get<{ history: HistoryEntry[] }>('/alerts/history', {
      rule: flag(values, 'rule'),
      since: flag(values, 'since'),
      limit: flag(values, 'limit'),
    }),
  );
  if (values.json) printJson(io, result);
  else if (result.history.length === 0) io.out('No alert state changes.\n');
  else
    io.out(
      renderTable(
        ['at', 'rule', 'change', 'severity', 'value', 'labels'],
        result.history.map((h) => [
          h.at,
          h.rule,
          `${h.from}→${h.to}`,
          h.severity ?? '',
          h.value === null ? '' : String(Number(h.value.toPrecision(6))),
          labelText(h.labels),
        ]),
      ),
    );
  return EXIT.ok;
}

async function test(values: Values, io: CliIo): Promise<number> {
  const config = resolveConfig({}, io.env);
  // The resolves go through a shared PostgreSQL's outbox; an embedded folder belongs to pgtel serve.
  const db = config.databaseUrl
    ? await openDatabase(config).catch((error: Error) => {
        io.err(`the test alert's resolve is left to Alertmanager: ${redact(error.message)}\n`);
        return undefined;
      })
    : undefined;
  const outcomes = await sendTestAlert(
    notifiersFromConfig(config, createLogger('info', io.err), undefined, config.publicUrl ?? ''),
    { resolveAfterMs: config.testAlertResolveAfterMs, db },
  ).finally(() => db?.close());
  if (values.json) printJson(io, { notifiers: outcomes });
  else
    io.out(
      renderTable(
        ['notifier', 'outcome'],
        Object.entries(outcomes).map(([name, o]) => [
          name,
          o.status === 'failed' ? `failed: ${o.error}` : o.status,
        ]),
      ),
    );
  return Object.values(outcomes).some((o) => o.status === 'failed') ? EXIT.failure : EXIT.ok;
}

async function acknowledge(values: Values, io: CliIo, id: string | undefined): Promise<number> {
  if (id === undefined || !/^\d+$/.test(id))
    throw new UsageError('give the alert id to acknowledge (a number)');
  const by = requireBy(values);
  const result = await withApi(values, io, ({ client }) =>
    client.post<{ alert: { id: number; acknowledgedBy: string; acknowledgedAt: string } }>(
      `/alerts/${id}/acknowledge`,
      { by },
    ),
  );
  if (values.json) printJson(io, result);
  else
    io.out(`Alert ${id} acknowledged by ${result.alert.acknowledgedBy} at ${result.alert.acknowledgedAt}.\n`);
  return EXIT.ok;
}

async function resolve(values: Values, io: CliIo, id: string | undefined): Promise<number> {
  if (id === undefined || !/^\d+$/.test(id)) throw new UsageError('give the alert id to resolve (a number)');
  const result = await withApi(values, io, ({ client }) =>
    client.post<{ alert: { id: number; title: string; resolvedAt: string } }>(`/alerts/${id}/resolve`, {}),
  );
  if (values.json) printJson(io, result);
  else io.out(`Alert ${id} (${result.alert.title}) resolved at ${result.alert.resolvedAt}.\n`);
  return EXIT.ok;
}

async function silence(values: Values, io: CliIo, matchers: string[]): Promise<number> {
  if (matchers.length === 0) throw new UsageError('give at least one matcher, e.g. alertname=HighLatency');
  const body = {
    matchers: matchers.map(parseMatcher),
    durationMs: parseDuration('--for', flag(values, 'for') ?? '1h'),
    createdBy: requireBy(values),
    comment: flag(values, 'comment') ?? 'silenced from the command line',
  };
  const result = await withApi(values, io, ({ client }) =>
    client.post<{ silence: SilenceView }>('/silences', body),
  );
  if (values.json) printJson(io, result);
  else io.out(`Silence ${result.silence.id} active until ${result.silence.endsAt}.\n`);
  return EXIT.ok;
}

async function silences(values: Values, io: CliIo): Promise<number> {
  const result = await withApi(values, io, ({ client }) =>
    client.get<{ silences: SilenceView[] }>('/silences'),
  );
  if (values.json) printJson(io, result);
  else if (result.silences.length === 0) io.out('No active silences.\n');
  else
    io.out(
      renderTable(
        ['id', 'matchers', 'starts', 'ends', 'by', 'comment'],
        result.silences.map((s) => [
          String(s.id),
          s.matchers.map((m) => `${m.name}${m.op ?? '='}${m.value}`).join(','),
          s.startsAt,
          s.endsAt,
          s.createdBy,
          s.comment,
        ]),
      ),
    );
  return EXIT.ok;
}

async function expire(values: Values, io: CliIo, id: string | undefined): Promise<number> {
  if (id === undefined || !/^\d+$/.test(id)) throw new UsageError('give the silence id to expire (a number)');
  const result = await withApi(values, io, ({ client }) =>
    client.post<{ silence: SilenceView }>(`/silences/${id}/expire`, {}),
  );
  if (values.json) printJson(io, result);
  else io.out(`Silence ${id} expired at ${result.silence.endsAt}.\n`);
  return EXIT.ok;
}

export const alertsCommand: Command = {
  usage: [
    'pgtel alerts [firing] [--rule R] [--json] [--url URL]',
    '       pgtel alerts history [--rule R] [--since T] [--limit N] [--json]',
    '       pgtel alerts test [--json]          send a test alert through every configured notifier',
    '       pgtel alerts ack <alertId> --by NAME [--json]',
    '       pgtel alerts resolve <alertId> [--json]   end a threshold-check alert by hand',
    '       pgtel alerts silence <name=value|name!=value|name=~re|name!~re>... --by NAME [--for 1h] [--comment C]',
    '       pgtel alerts silences [--json]      pgtel alerts expire <silenceId>',
  ].join('\n'),
  options: {
    ...apiOptions,
    rule: { type: 'string' },
    since: { type: 'string' },
    limit: { type: 'string' },
    by: { type: 'string' },
    for: { type: 'string' },
    comment: { type: 'string' },
  },
  run({ values, positionals }, io) {
    const [sub = 'firing', ...rest] = positionals;
    const noMore = () => {
      if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"`);
    };
    switch (sub) {
      case 'firing':
        noMore();
        return firing(values, io);
      case 'history':
        noMore();
        return history(values, io);
      case 'test':
        noMore();
        return test(values, io);
      case 'ack':
      case 'acknowledge':
        if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
        return acknowledge(values, io, rest[0]);
      case 'resolve':
        if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
        return resolve(values, io, rest[0]);
      case 'silence':
        return silence(values, io, rest);
      case 'silences':
        noMore();
        return silences(values, io);
      case 'expire':
        if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
        return expire(values, io, rest[0]);
      default:
        throw new UsageError(`unknown alerts subcommand "${sub}"`);
    }
  },
};
