import { type Command, EXIT } from '../Command.js';
import { formatLogLine, type LogLine } from '../formatLogLine.js';
import { parseDuration } from '../parseDuration.js';
import { styleFor } from '../Style.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

/** Aborts on Ctrl-C while `run` runs (unless the caller gave a signal), then stops listening. */
async function untilInterrupted<T>(given: AbortSignal | undefined, run: (signal: AbortSignal) => Promise<T>) {
  if (given) return run(given);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    return await run(controller.signal);
  } finally {
    process.off('SIGINT', stop);
  }
}

export const logsCommand: Command = {
  usage:
    'pgtel logs [--service S] [--severity trace|debug|info|warn|error|fatal|1-24] [--grep WORDS] [--trace ID] [--attr k:v]... [--since 15m] [--limit N] [--follow] [--json] [--url URL]',
  options: {
    ...apiOptions,
    service: { type: 'string' },
    severity: { type: 'string' },
    grep: { type: 'string' },
    trace: { type: 'string' },
    attr: { type: 'string', multiple: true },
    since: { type: 'string' },
    limit: { type: 'string' },
    follow: { type: 'boolean', short: 'f' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const sinceMs = parseDuration('--since', flag(values, 'since') ?? '1h');
    const filters = {
      service: flag(values, 'service'),
      severity: flag(values, 'severity'),
      q: flag(values, 'grep'),
      traceId: flag(values, 'trace'),
      attr: values.attr as string[] | undefined,
    };
    const style = styleFor(io);
    // Oldest at the top, newest at the bottom, as a terminal reads; --json keeps the API's order.
    const print = (logs: LogLine[]) => {
      for (const log of logs) io.out(values.json ? `${JSON.stringify(log)}\n` : formatLogLine(log, style));
    };
    return withApi(values, io, async ({ client }) => {
      const page = await client.get<{ logs: LogLine[]; nextCursor: string | null }>('/logs', {
        ...filters,
        from: new Date(Date.now() - sinceMs).toISOString(),
        limit: flag(values, 'limit') ?? (values.follow ? '20' : '100'),
      });
      if (!values.follow) {
        if (values.json) printJson(io, page);
        else if (page.logs.length === 0)
          io.out('No log records match in this window (default: the last hour).\n');
        else {
          print(page.logs.toReversed());
          if (page.nextCursor)
            io.out(style.dim(`(newest ${page.logs.length} shown: narrow the search or raise --limit)\n`));
        }
        return EXIT.ok;
      }
      print(page.logs.toReversed());
      await untilInterrupted(io.signal, async (signal) => {
        for await (const event of client.events('/logs/tail', filters, signal)) {
          if (event.event === 'logs') print(JSON.parse(event.data) as LogLine[]);
        }
      });
      return EXIT.ok;
    });
  },
};
