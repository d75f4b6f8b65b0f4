import { parseApiTime } from '../../promql/apiParams.js';
import type { ApiAnswer, ApiData } from '../../promql/prometheusApi.js';
import { type Command, EXIT } from '../Command.js';
import { renderTable } from '../renderTable.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

/** `x{a="b"}`, as Prometheus shows a series. */
function seriesName(metric: Record<string, string>): string {
  const { __name__: name = '', ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length > 0 || name === '' ? `${name}{${pairs.join(', ')}}` : name;
}

function rangeSummary(values: [number, string][]): string[] {
  const numbers = values.map(([, v]) => Number(v));
  return [
    String(values.length),
    values.at(-1)?.[1] ?? '',
    String(Math.min(...numbers)),
    String(Math.max(...numbers)),
  ];
}

function render(data: ApiData): string {
  if (data.resultType === 'scalar' || data.resultType === 'string') return `${data.result[1]}\n`;
  if (data.result.length === 0) return 'No series.\n';
  if (data.resultType === 'vector')
    return renderTable(
      ['series', 'value'],
      data.result.map((s) => [seriesName(s.metric), s.value[1]]),
    );
  return renderTable(
    ['series', 'points', 'last', 'min', 'max'],
    data.result.map((s) => [seriesName(s.metric), ...rangeSummary(s.values)]),
  );
}

/** A range of `--start`/`--end` (default: the hour up to now) and `--step` (default: 250 points). */
function rangeParams(values: Record<string, unknown>): Record<string, string> {
  const endText = flag(values, 'end') ?? String(Date.now() / 1000);
  const end = parseApiTime('end', endText);
  const startText = flag(values, 'start') ?? String((end - 3_600_000) / 1000);
  const start = parseApiTime('start', startText);
  const step = flag(values, 'step') ?? String(Math.max(1, Math.round((end - start) / 250_000)));
  return { start: startText, end: endText, step };
}

export const promqlCommand: Command = {
  usage:
    'pgtel promql <query> [--time T | --start T --end T --step S] [--timeout D] [--json] [--url URL]   (T: RFC 3339 or unix seconds; S, D: 15s, 1m or seconds)',
  options: {
    ...apiOptions,
    time: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    step: { type: 'string' },
    timeout: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [query, ...extra] = positionals;
    if (query === undefined) throw new UsageError('a PromQL query is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (quote the query)`);
    const range = ['start', 'end', 'step'].some((k) => flag(values, k) !== undefined);
    if (range && flag(values, 'time') !== undefined)
      throw new UsageError('--time is for an instant query; --start, --end and --step for a range');
    const timeout = flag(values, 'timeout');
    const answer = await withApi(values, io, ({ client }) =>
      range
        ? client.get<ApiAnswer<ApiData>>('/v1/query_range', { query, timeout, ...rangeParams(values) })
        : client.get<ApiAnswer<ApiData>>('/v1/query', { query, timeout, time: flag(values, 'time') }),
    );
    if (values.json) {
      printJson(io, answer);
      return EXIT.ok;
    }
    io.out(render(answer.data));
    for (const warning of answer.warnings ?? []) io.err(`warning: ${warning}\n`);
    return EXIT.ok;
  },
};
