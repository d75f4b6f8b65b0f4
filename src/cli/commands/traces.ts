import type { ApiResponse } from '../../http/api/contract.js';
import { type Command, EXIT } from '../Command.js';
import { formatDuration } from '../formatDuration.js';
import { plural } from '../plural.js';
import { renderTable } from '../renderTable.js';
import { renderWaterfall } from '../renderWaterfall.js';
import { styleFor } from '../Style.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

export const tracesCommand: Command = {
  usage:
    'pgtel traces [--service S] [--operation O] [--status ok|error|unset] [--min-duration MS] [--attr k:v]... [--from T] [--to T] [--limit N] [--cursor C] [--json] [--url URL]',
  options: {
    ...apiOptions,
    service: { type: 'string' },
    operation: { type: 'string' },
    status: { type: 'string' },
    'min-duration': { type: 'string' },
    attr: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const page = await withApi(values, io, ({ client }) =>
      client.get<ApiResponse<'GET /traces'>>('/traces', {
        service: flag(values, 'service'),
        operation: flag(values, 'operation'),
        status: flag(values, 'status'),
        minDurationMs: flag(values, 'min-duration'),
        attr: values.attr as string[] | undefined,
        from: flag(values, 'from'),
        to: flag(values, 'to'),
        limit: flag(values, 'limit'),
        cursor: flag(values, 'cursor'),
      }),
    );
    if (values.json) {
      printJson(io, page);
      return EXIT.ok;
    }
    if (page.traces.length === 0) {
      io.out('No traces in this window (default: the last hour).\n');
      return EXIT.ok;
    }
    io.out(
      renderTable(
        ['trace', 'start', 'duration', 'spans', 'errors', 'root'],
        page.traces.map((t) => [
          t.traceId,
          t.startTime,
          formatDuration(t.durationMs),
          String(t.spanCount),
          String(t.errorCount),
          `${t.rootService}: ${t.rootOperation}`,
        ]),
      ),
    );
    if (page.nextCursor) io.out(`\nMore: --cursor ${page.nextCursor}\n`);
    return EXIT.ok;
  },
};

export const traceCommand: Command = {
  usage: 'pgtel trace <traceId> [--width N] [--json] [--url URL]',
  options: { ...apiOptions, width: { type: 'string' } },
  async run({ values, positionals }, io) {
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw new UsageError('give exactly one trace id');
    if (!/^[0-9a-f]{32}$/i.test(id)) throw new UsageError(`a trace id is 32 hex characters (got "${id}")`);
    const width = flag(values, 'width') === undefined ? 40 : Number(flag(values, 'width'));
    if (!(Number.isInteger(width) && width >= 10 && width <= 400))
      throw new UsageError('--width must be a whole number from 10 to 400');
    const trace = await withApi(values, io, ({ client }) =>
      client.get<ApiResponse<'GET /traces/:traceId'>>(`/traces/${id.toLowerCase()}`),
    );
    if (values.json) {
      printJson(io, trace);
      return EXIT.ok;
    }
    const style = styleFor(io);
    io.out(
      `${style.bold(`Trace ${trace.traceId}`)}  ${trace.startTime}  ${formatDuration(trace.durationMs)}  ` +
        `${plural(trace.spanCount, 'span')}, ${trace.errorCount > 0 ? style.red(plural(trace.errorCount, 'error')) : '0 errors'}  ` +
        `services: ${trace.services.join(', ')}\n`,
    );
    for (const w of trace.workflows) io.out(`workflow ${w.workflowId} (${w.workflowType}, ${w.status})\n`);
    io.out(`\n${renderWaterfall(trace.spans, { style, barWidth: width })}`);
    if (trace.truncated) io.out(style.yellow('(truncated: only the first spans are shown)\n'));
    return EXIT.ok;
  },
};
