import { NotFoundError } from '../../errors.js';
import { type Command, EXIT } from '../Command.js';
import { formatDuration } from '../formatDuration.js';
import { renderStepTable, type StepLine } from '../renderStepTable.js';
import { renderTable } from '../renderTable.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

interface MetricInfo {
  name: string;
  type: string;
  unit: string;
  description: string;
  seriesCount: number;
  services: string[];
  lastRecordedAt: string | null;
}

interface Series {
  name: string;
  /** Null when no series of that name has a value in the window. */
  type: string | null;
  from: string;
  to: string;
  stepMs: number;
  truncated: boolean;
  lines: StepLine[];
}

export const metricsCommand: Command = {
  usage:
    'pgtel metrics [<name> [--step 5m] [--labels k:v]... [--resource k:v]... [--group-by service.name,a]] [--service S]... [--from T] [--to T] [--json] [--url URL]',
  options: {
    ...apiOptions,
    from: { type: 'string' },
    to: { type: 'string' },
    step: { type: 'string' },
    labels: { type: 'string', multiple: true },
    service: { type: 'string', multiple: true },
    resource: { type: 'string', multiple: true },
    'group-by': { type: 'string' },
  },
  async run({ values, positionals }, io) {
    const [name, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const window = { from: flag(values, 'from'), to: flag(values, 'to') };
    const service = values.service as string[] | undefined;
    if (name === undefined) {
      if (values.step || values.labels || values.resource || values['group-by'])
        throw new UsageError('--step, --labels, --resource and --group-by need a metric name');
      const list = await withApi(values, io, ({ client }) =>
        client.get<{ from: string; to: string; metrics: MetricInfo[] }>('/metrics', { ...window, service }),
      );
      if (values.json) printJson(io, list);
      else if (list.metrics.length === 0) io.out(`No metrics between ${list.from} and ${list.to}.\n`);
      else
        io.out(
          renderTable(
            ['metric', 'type', 'unit', 'series', 'services', 'last recorded'],
            list.metrics.map((m) => [
              m.name,
              m.type,
              m.unit,
              String(m.seriesCount),
              (m.services ?? []).map((s) => s || '(none)').join(', '),
              m.lastRecordedAt ?? '',
            ]),
          ),
        );
      return EXIT.ok;
    }
    const series = await withApi(values, io, async ({ client }) => {
      const found = await client.get<Series>(`/metrics/${encodeURIComponent(name)}/series`, {
        ...window,
        step: flag(values, 'step'),
        labels: values.labels as string[] | undefined,
        service,
        resource: values.resource as string[] | undefined,
        groupBy: flag(values, 'group-by'),
      });
      // No line at all: a filter that matches nothing shows an empty table, an unknown name fails.
      if (found.type === null) {
        const { metrics } = await client.get<{ metrics: MetricInfo[] }>('/metrics', {
          from: found.from,
          to: found.to,
        });
        if (!metrics.some((m) => m.name === name))
          throw new NotFoundError(
            `no metric named ${name} between ${found.from} and ${found.to} (pgtel metrics lists them)`,
          );
      }
      return found;
    });
    if (values.json) {
      printJson(io, series);
      return EXIT.ok;
    }
    const of = service ? `, service ${service.join(' or ')}` : '';
    io.out(
      `${series.name} (${series.type ?? 'no series match'}), step ${formatDuration(series.stepMs)}${of}\n\n`,
    );
    io.out(renderStepTable(series.lines));
    if (series.truncated) io.out('(more groups exist: narrow with --labels)\n');
    return EXIT.ok;
  },
};
