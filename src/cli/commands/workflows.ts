import type { ApiQuery, ApiResponse } from '../../http/api/contract.js';
import { type Command, EXIT } from '../Command.js';
import { formatDuration } from '../formatDuration.js';
import { renderTable } from '../renderTable.js';
import { styleFor } from '../Style.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, flag, printJson, withApi } from '../withApi.js';

export const workflowsCommand: Command = {
  usage:
    'pgtel workflows [--status pending|running|completed|failed|cancelled] [--type T] [--stuck] [--limit N] [--cursor C] [--json] [--url URL]',
  options: {
    ...apiOptions,
    status: { type: 'string' },
    type: { type: 'string' },
    stuck: { type: 'boolean' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  async run({ values, positionals }, io) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    const page = await withApi(values, io, ({ client }) =>
      client.get<ApiResponse<'GET /workflows'>>('/workflows', {
        status: flag(values, 'status') as ApiQuery<'GET /workflows'>['status'],
        type: flag(values, 'type'),
        stuck: values.stuck ? 'true' : undefined,
        limit: flag(values, 'limit'),
        cursor: flag(values, 'cursor'),
      }),
    );
    if (values.json) {
      printJson(io, page);
      return EXIT.ok;
    }
    if (page.workflows.length === 0) {
      io.out('No workflows match.\n');
      return EXIT.ok;
    }
    io.out(
      renderTable(
        ['workflow', 'type', 'status', 'phase', 'updated', 'note'],
        page.workflows.map((w) => [
          w.workflowId,
          w.workflowType,
          w.status,
          w.currentPhase ?? '',
          w.updatedAt,
          w.stuck ? 'STUCK' : (w.lastError ?? ''),
        ]),
      ),
    );
    if (page.nextCursor) io.out(`\nMore: --cursor ${page.nextCursor}\n`);
    return EXIT.ok;
  },
};

export const workflowCommand: Command = {
  usage: 'pgtel workflow <id> [--json] [--url URL]',
  options: { ...apiOptions },
  async run({ values, positionals }, io) {
    const [id, ...extra] = positionals;
    if (id === undefined || extra.length > 0) throw new UsageError('give exactly one workflow id');
    const view = await withApi(values, io, ({ client }) =>
      client.get<ApiResponse<'GET /workflows/:id'>>(`/workflows/${encodeURIComponent(id)}`),
    );
    if (values.json) {
      printJson(io, view);
      return EXIT.ok;
    }
    const style = styleFor(io);
    const w = view.workflow;
    const status = w.status === 'failed' || w.stuck ? style.red(w.status) : w.status;
    io.out(
      `${style.bold(`Workflow ${w.workflowId}`)} (${w.workflowType})\n` +
        `status ${status}${w.stuck ? style.red(' STUCK') : ''}, phase ${w.currentPhase ?? '-'}, ` +
        `created ${w.createdAt}${w.closedAt ? `, closed ${w.closedAt}` : ''}\n` +
        (w.correlationId ? `trace: pgtel trace ${w.correlationId}\n` : '') +
        (w.lastError ? `${style.red(`error: ${w.lastError}`)}\n` : ''),
    );
    io.out(
      `\n${renderTable(
        ['phase', 'entered', 'time'],
        view.phases.map((p) => [
          p.phase ?? '-',
          p.enteredAt,
          formatDuration(p.durationMs) + (p.leftAt ? '' : ' (open)'),
        ]),
      )}`,
    );
    io.out(
      `\n${renderTable(
        ['v', 'at', 'event', 'status', 'phase', 'actor', 'reason / error'],
        view.history.map((h) => [
          String(h.version),
          h.at,
          h.event,
          h.fromStatus === h.toStatus ? (h.toStatus ?? '') : `${h.fromStatus ?? ''}→${h.toStatus ?? ''}`,
          h.fromPhase === h.toPhase ? (h.toPhase ?? '') : `${h.fromPhase ?? ''}→${h.toPhase ?? ''}`,
          h.actor ?? '',
          h.error ?? h.reason ?? '',
        ]),
      )}`,
    );
    return EXIT.ok;
  },
};
