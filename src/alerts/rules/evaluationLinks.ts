import type { DatabaseSession } from '../../db/Database.js';
import { logCountTracesQuery } from '../../logs/logCountQuery.js';
import type { AlertRule } from './AlertRule.js';
import { exemplarCause, exemplarLinksQuery, TRACE_LINK_LIMIT } from './exemplarLinksQuery.js';
import { sqlResultLinks } from './sqlResultLinks.js';

/** What one instance's evaluation involved. */
export interface InstanceLinks {
  traces: { traceId: string; value: number | null }[];
  workflows: string[];
}

/**
 * The traces and workflows behind the values of a rule's firing instances (keyed by fingerprint): the
 * top exemplars of the metric for metric sources (one query for all instances), the `trace_id`,
 * `correlation_id` and `workflow_id` result columns for SQL sources (no query), the traces of the newest
 * counted records for log sources, none for PromQL sources (their series need not be metrics with
 * exemplars). Asked only for
 * instances that fire, so quiet evaluations cost nothing.
 */
export async function evaluationLinks(
  tx: DatabaseSession,
  rule: AlertRule,
  firing: readonly { fingerprint: string; seriesLabels: Record<string, string> }[],
  now: number,
): Promise<Map<string, InstanceLinks>> {
  const links = new Map<string, InstanceLinks>();
  const source = rule.source;
  if (firing.length === 0 || source.kind === 'absent' || source.kind === 'promql') return links;
  if (source.kind === 'sql') {
    for (const f of firing) {
      const ids = sqlResultLinks(f.seriesLabels);
      links.set(f.fingerprint, {
        traces: ids.traces.map((traceId) => ({ traceId, value: null })),
        workflows: ids.workflows,
      });
    }
    return links;
  }
  if (source.kind === 'logs') {
    // The traces of the newest records each instance counted.
    for (const f of firing) {
      const query = logCountTracesQuery(
        source,
        source.windowMs,
        f.seriesLabels,
        (n) => tx.table(n),
        now,
        TRACE_LINK_LIMIT,
      );
      const { rows } = await tx.query<{ trace_id: string }>(query.sql, query.params);
      links.set(f.fingerprint, {
        traces: rows.map((r) => ({ traceId: r.trace_id, value: null })),
        workflows: [],
      });
    }
    return links;
  }
  const query = exemplarLinksQuery(
    source,
    firing.map((f) => f.seriesLabels),
    (n) => tx.table(n),
    now,
    exemplarCause(rule),
  );
  const rows = await tx.query<{ instance: number; trace_id: string; value: number | null }>(
    query.sql,
    query.params,
  );
  for (const r of rows.rows) {
    const fingerprint = firing[Number(r.instance)]!.fingerprint;
    const entry = links.get(fingerprint) ?? { traces: [], workflows: [] };
    entry.traces.push({ traceId: r.trace_id, value: r.value });
    links.set(fingerprint, entry);
  }
  return links;
}
