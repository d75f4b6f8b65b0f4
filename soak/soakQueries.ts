import type { Database } from '../src/db/Database.js';
import type { Check, StoredCounts } from './accounting.js';

/** Counts what the soak's processes stored, per process (see `account`). */
export async function storedCounts(db: Database): Promise<StoredCounts> {
  const spans = await db.query<{ service_name: string; n: number }>(
    `SELECT service_name, count(*)::int AS n FROM ${db.table('spans')} GROUP BY service_name`,
  );
  const metrics = await db.query<{ proc: string; n: number; distinct: number }>(
    `SELECT labels->>'proc' AS proc, count(*)::int AS n,
            count(DISTINCT (metric_name, labels::text, recorded_at))::int AS distinct
       FROM ${db.table('metrics')} WHERE metric_name LIKE 'soak\\_%' AND labels ? 'proc' GROUP BY 1`,
  );
  const workflows = await db.query<{ actor: string; n: number }>(
    `SELECT actor, count(*)::int AS n FROM ${db.table('workflow_history')}
      WHERE event IN ('created', 'transition') GROUP BY actor`,
  );
  const points = await db.query<{ n: number; distinct: number }>(
    `SELECT count(*)::int AS n, count(DISTINCT labels->>'soak_seq')::int AS distinct
       FROM ${db.table('metrics')} WHERE metric_name = 'soak_otlp_points'`,
  );
  return {
    spansByService: Object.fromEntries(spans.rows.map((r) => [r.service_name, r.n])),
    metricRowsByProc: Object.fromEntries(
      metrics.rows.map((r) => [r.proc, { rows: r.n, distinct: r.distinct }]),
    ),
    workflowOpsByActor: Object.fromEntries(workflows.rows.map((r) => [r.actor, r.n])),
    otlpPoints: { rows: points.rows[0]?.n ?? 0, distinct: points.rows[0]?.distinct ?? 0 },
  };
}

/**
 * Each rule evaluated at most once per interval across all instances (plus one for the first
 * evaluation and one of slack for a claim racing the interval edge), and at least a third as often
 * as that (faults take evaluations away, but the jobs must come back).
 */
export async function alertEvaluationChecks(db: Database, activeMs: number): Promise<Check[]> {
  const rules = await db.query<{ name: string; interval_ms: number; evaluations: number }>(
    `SELECT name, interval_ms, evaluations::int AS evaluations FROM ${db.table('alert_rules')} ORDER BY name`,
  );
  return rules.rows.map((r) => {
    const most = Math.floor(activeMs / r.interval_ms) + 2;
    const least = Math.floor(activeMs / r.interval_ms / 3);
    return {
      name: `rule ${r.name} evaluated once per interval across instances`,
      ok: r.evaluations <= most && r.evaluations >= least,
      detail: `${r.evaluations} evaluations in ${Math.round(activeMs / 1000)} s at ${r.interval_ms} ms (allowed ${least}..${most})`,
    };
  });
}

/** Every sent webhook outbox row reached the receiver; no key was delivered twice beyond what a SIGKILL explains. */
export async function notificationChecks(
  db: Database,
  deliveries: ReadonlyMap<string, number>,
  sigkills: number,
): Promise<{ checks: Check[]; figures: Record<string, number> }> {
  const outbox = await db.query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM ${db.table('alert_outbox')} WHERE notifier = 'webhook' GROUP BY status`,
  );
  const sentKeys = await db.query<{ idempotency_key: string }>(
    `SELECT idempotency_key FROM ${db.table('alert_outbox')} WHERE notifier = 'webhook' AND status = 'sent'`,
  );
  const byStatus = Object.fromEntries(outbox.rows.map((r) => [r.status, r.n]));
  const missing = sentKeys.rows.filter((r) => !deliveries.has(r.idempotency_key)).length;
  const repeated = [...deliveries.values()].filter((n) => n > 1).length;
  const known = new Set(sentKeys.rows.map((r) => r.idempotency_key));
  const unknown = [...deliveries.keys()].filter((k) => !known.has(k)).length;
  const figures = { ...byStatus, delivered: deliveries.size, redelivered: repeated, missing, unknown };
  return {
    figures,
    checks: [
      {
        name: 'notifications sent, delivered, no duplicate',
        ok: sentKeys.rows.length > 0 && missing === 0 && repeated <= sigkills && (byStatus.failed ?? 0) === 0,
        detail: `${sentKeys.rows.length} sent in the outbox, ${deliveries.size} keys delivered, ${repeated} delivered again with the same key (at most one per SIGKILL of a sender: ${sigkills}), ${missing} missing, ${unknown} still in flight at the end, ${byStatus.failed ?? 0} failed`,
      },
    ],
  };
}

/** Month partitions present for every partitioned table and no soak row left in a default partition. */
export async function partitionChecks(db: Database, expectedMonths: readonly string[]): Promise<Check[]> {
  const children = await db.query<{ parent: string; child: string }>(
    `SELECT p.relname AS parent, c.relname AS child
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
       JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = $1`,
    [db.schema],
  );
  const checks: Check[] = [];
  for (const table of ['spans', 'metrics', 'workflow_history']) {
    const names = children.rows.filter((r) => r.parent === table).map((r) => r.child);
    const missing = expectedMonths.filter((m) => !names.some((n) => n.endsWith(m)));
    const inDefault = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${db.table(`${table}_default`)}`,
    );
    checks.push({
      name: `partitions of ${table}`,
      ok: missing.length === 0 && inDefault.rows[0]!.n === 0,
      detail: `${names.length} partitions; months ${expectedMonths.join(', ')} ${missing.length ? `MISSING ${missing.join(', ')}` : 'present'}; ${inDefault.rows[0]!.n} rows in the default partition`,
    });
  }
  return checks;
}

/** Rows per month partition of a table (to show the month crossing). */
export async function rowsPerPartition(db: Database, table: string): Promise<Record<string, number>> {
  const result = await db.query<{ part: string; n: number }>(
    `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM ${db.table(table)} GROUP BY 1 ORDER BY 1`,
  );
  return Object.fromEntries(result.rows.map((r) => [r.part.replace(/^.*\./, '').replaceAll('"', ''), r.n]));
}
