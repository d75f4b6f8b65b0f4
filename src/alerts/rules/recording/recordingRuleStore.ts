import type { DatabaseSession } from '../../../db/Database.js';
import { toJsonText } from '../../../db/jsonText.js';
import type { FileRecordingRule, RecordingRule } from './RecordingRule.js';

/** What syncing the recording rules changed, by `record` name. */
export interface RecordingRulesChange {
  created: string[];
  updated: string[];
  unchanged: string[];
  removed: string[];
}

interface RecordingRuleRow {
  rule_group: string;
  position: number;
  record: string;
  expr: string;
  labels: Record<string, string>;
  interval_ms: number;
  next_eval_at: Date;
  last_eval_at: Date | null;
  last_error: string | null;
  evaluations: number | string;
}

const key = (group: string, position: number) => `${group}\0${position}`;

function sameRule(row: RecordingRuleRow, rule: RecordingRule): boolean {
  return (
    row.record === rule.record &&
    row.expr === rule.expr &&
    row.interval_ms === rule.intervalMs &&
    toJsonText(sortedLabels(row.labels)) === toJsonText(sortedLabels(rule.labels))
  );
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/**
 * Makes the stored recording rules exactly `rules`, in the caller's transaction. The rules of a group
 * that changed are all due at once (`now`), so the group is claimed and evaluated together again.
 */
export async function syncRecordingRules(
  tx: DatabaseSession,
  rules: readonly FileRecordingRule[],
  now: number,
): Promise<RecordingRulesChange> {
  const table = tx.table('recording_rules');
  const stored = await tx.query<RecordingRuleRow>(`SELECT * FROM ${table} FOR UPDATE`);
  const before = new Map(stored.rows.map((r) => [key(r.rule_group, r.position), r]));
  const change: RecordingRulesChange = { created: [], updated: [], unchanged: [], removed: [] };
  const changedGroups = new Set<string>();
  const kept = new Set<string>();
  for (const { group, position, rule } of rules) {
    const old = before.get(key(group, position));
    kept.add(key(group, position));
    if (old && sameRule(old, rule)) {
      change.unchanged.push(rule.record);
      continue;
    }
    changedGroups.add(group);
    await tx.query(
      `INSERT INTO ${table} (rule_group, position, record, expr, labels, interval_ms, next_eval_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $7)
       ON CONFLICT (rule_group, position) DO UPDATE SET record = EXCLUDED.record, expr = EXCLUDED.expr,
         labels = EXCLUDED.labels, interval_ms = EXCLUDED.interval_ms, updated_at = EXCLUDED.updated_at,
         last_error = NULL`,
      [group, position, rule.record, rule.expr, toJsonText(rule.labels), rule.intervalMs, new Date(now)],
    );
    (old ? change.updated : change.created).push(rule.record);
  }
  for (const old of stored.rows.filter((r) => !kept.has(key(r.rule_group, r.position)))) {
    await tx.query(`DELETE FROM ${table} WHERE rule_group = $1 AND position = $2`, [
      old.rule_group,
      old.position,
    ]);
    changedGroups.add(old.rule_group);
    change.removed.push(old.record);
  }
  if (changedGroups.size > 0)
    await tx.query(`UPDATE ${table} SET next_eval_at = $2 WHERE rule_group = ANY($1::text[])`, [
      [...changedGroups],
      new Date(now),
    ]);
  return change;
}

/** A claimed recording rule and the time to evaluate it at (a multiple of its interval). */
export interface DueRecordingRule {
  group: string;
  position: number;
  rule: RecordingRule;
  timeMs: number;
}

/**
 * Claims every due recording rule (`FOR UPDATE SKIP LOCKED`, so concurrent processes get disjoint
 * groups: a group's rules fall due together) and moves each to the next multiple of its interval.
 * Returned by group, in position order; each to be evaluated at the last multiple of its interval at
 * or before `now`, the same time in every process.
 */
export async function claimDueRecordingRules(db: DatabaseSession, now: number): Promise<DueRecordingRule[]> {
  const table = db.table('recording_rules');
  const { rows } = await db.query<RecordingRuleRow>(
    `UPDATE ${table} r
        SET next_eval_at = 'epoch'::timestamptz
              + (floor(extract(epoch FROM $1::timestamptz) * 1000 / r.interval_ms) + 1) * r.interval_ms
              * interval '1 millisecond',
            last_eval_at = $1, evaluations = r.evaluations + 1
       FROM (SELECT rule_group, position FROM ${table} WHERE next_eval_at <= $1
              ORDER BY rule_group, position FOR UPDATE SKIP LOCKED) due
      WHERE r.rule_group = due.rule_group AND r.position = due.position
      RETURNING r.*`,
    [new Date(now)],
  );
  return rows
    .sort((a, b) =>
      a.rule_group === b.rule_group ? a.position - b.position : a.rule_group < b.rule_group ? -1 : 1,
    )
    .map((r) => ({
      group: r.rule_group,
      position: r.position,
      rule: { record: r.record, expr: r.expr, labels: r.labels, intervalMs: r.interval_ms },
      timeMs: Math.floor(now / r.interval_ms) * r.interval_ms,
    }));
}

/** Records how an evaluation went: its error, or null when it stored its result. */
export async function noteRecordingResult(
  db: DatabaseSession,
  due: Pick<DueRecordingRule, 'group' | 'position'>,
  error: string | null,
): Promise<void> {
  await db.query(
    `UPDATE ${db.table('recording_rules')} SET last_error = $3 WHERE rule_group = $1 AND position = $2`,
    [due.group, due.position, error],
  );
}

/** A stored recording rule with its evaluation state. */
export interface StoredRecordingRule extends RecordingRule {
  group: string;
  position: number;
  nextEvalAt: Date;
  lastEvalAt: Date | null;
  lastError: string | null;
  evaluations: number;
}

/** Every stored recording rule, by group and position. */
export async function listRecordingRules(db: DatabaseSession): Promise<StoredRecordingRule[]> {
  const { rows } = await db.query<RecordingRuleRow>(
    `SELECT * FROM ${db.table('recording_rules')} ORDER BY rule_group, position`,
  );
  return rows.map((r) => ({
    group: r.rule_group,
    position: r.position,
    record: r.record,
    expr: r.expr,
    labels: r.labels,
    intervalMs: r.interval_ms,
    nextEvalAt: r.next_eval_at,
    lastEvalAt: r.last_eval_at,
    lastError: r.last_error,
    evaluations: Number(r.evaluations),
  }));
}
