import type { DatabaseSession } from '../../db/Database.js';
import { toJsonText } from '../../db/jsonText.js';
import type { NotificationAlert, Notifier } from '../notifiers/Notifier.js';
import { routes } from '../notifiers/Notifier.js';
import { notificationLinks } from '../notifiers/notificationLinks.js';
import { enqueueNotification } from '../outbox/enqueueNotification.js';
import { type Silence, silences as silenceApplies } from '../silences/Silence.js';
import type { AlertRule } from './AlertRule.js';
import { type AlertLink, linksOfAlerts, recordAlertLinks } from './alertLinkStore.js';
import { decideNotification, markNotified } from './decideNotification.js';
import { evaluateRule, type InstanceUpdate, type KnownInstance } from './evaluateRule.js';
import { evaluationLinks } from './evaluationLinks.js';
import { groupNotifications, type PendingAlert } from './groupNotifications.js';
import { INSTANCE_STATE_COLUMNS, type InstanceRow, stateFromRow, stateParams } from './instanceRow.js';
import type { SourceResult } from './runRuleSource.js';

export interface WriteContext {
  now: number;
  silences: readonly Silence[];
  notifiers: readonly Notifier[];
  /** Base URL of the dashboard that notification links point to. */
  publicUrl: string;
}

export interface WriteSummary {
  transitions: number;
  notifications: number;
  suppressed: number;
}

const iso = (ms: number | null) => new Date(ms ?? 0).toISOString();

async function upsertInstance(
  tx: DatabaseSession,
  rule: string,
  u: InstanceUpdate,
  alertId: number | null,
  now: number,
) {
  const fixed = [
    rule,
    u.fingerprint,
    toJsonText(u.seriesLabels),
    toJsonText(u.labels),
    toJsonText(u.annotations),
    alertId,
    new Date(now),
  ];
  const values = [...fixed, ...stateParams(u.next)];
  const columns = [
    'rule_name',
    'fingerprint',
    'series_labels',
    'labels',
    'annotations',
    'alert_id',
    'updated_at',
    ...INSTANCE_STATE_COLUMNS,
  ];
  const placeholders = columns.map(
    (c, i) =>
      `$${i + 1}${['series_labels', 'labels', 'annotations', 'state_changes'].includes(c) ? '::jsonb' : ''}`,
  );
  await tx.query(
    `INSERT INTO ${tx.table('alert_instances')} (${columns.join(', ')}) VALUES (${placeholders.join(', ')})
     ON CONFLICT (rule_name, fingerprint) DO UPDATE SET
       ${columns
         .slice(2)
         .map((c) => `${c} = EXCLUDED.${c}`)
         .join(', ')}`,
    values,
  );
}

/** Records a new firing episode in the `alerts` table (what getRecentAlerts and acknowledge see). */
async function insertAlertRow(
  tx: DatabaseSession,
  rule: AlertRule,
  u: InstanceUpdate,
  now: number,
): Promise<number> {
  const result = await tx.query<{ id: number }>(
    `INSERT INTO ${tx.table('alerts')} (alert_type, severity, title, message, triggered_at, metadata, fingerprint, rule_name, labels)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9::jsonb) RETURNING id`,
    [
      rule.alertType,
      u.next.severity ?? rule.levels[0]!.severity,
      u.annotations.summary ?? rule.name,
      u.annotations.description ?? '',
      new Date(now),
      toJsonText({ rule: rule.name, value: u.next.value }),
      u.fingerprint,
      rule.name,
      toJsonText(u.labels),
    ],
  );
  return result.rows[0]!.id;
}

/**
 * Writes one batch of evaluations in the caller's transaction: instance states, history rows, alert
 * rows, the traces and workflows firing instances involved (`alert_links`), and the notifications they
 * cause into the outbox (grouped, routed per notifier, each alert with its links). Because it is one
 * transaction, a crash leaves either all of it or none: no notification without its state change.
 */
export async function writeEvaluation(
  tx: DatabaseSession,
  evaluations: readonly { rule: AlertRule; result: SourceResult }[],
  context: WriteContext,
): Promise<WriteSummary> {
  const { now } = context;
  const rows = await tx.query<InstanceRow>(
    `SELECT i.*, a.acknowledged_at FROM ${tx.table('alert_instances')} i
       LEFT JOIN ${tx.table('alerts')} a ON a.id = i.alert_id
      WHERE i.rule_name = ANY($1::text[]) FOR UPDATE OF i`,
    [evaluations.map((e) => e.rule.name)],
  );
  const summary: WriteSummary = { transitions: 0, notifications: 0, suppressed: 0 };
  const pending: (PendingAlert & { metric: string | undefined })[] = [];
  const involved: AlertLink[] = [];
  for (const { rule, result } of evaluations) {
    const mine = rows.rows.filter((r) => r.rule_name === rule.name);
    const known = new Map<string, KnownInstance>(
      mine.map((r) => [r.fingerprint, { labels: r.series_labels, state: stateFromRow(r) }]),
    );
    const byFingerprint = new Map(mine.map((r) => [r.fingerprint, r]));
    const updates = evaluateRule(rule, known, result, now);
    const firing = updates.filter((u) => u.next.state === 'firing' && u.input.kind === 'value');
    const found = await evaluationLinks(tx, rule, firing, now);
    const metric = 'metric' in rule.source ? rule.source.metric : undefined;
    for (const u of updates) {
      const row = byFingerprint.get(u.fingerprint);
      let alertId = row?.alert_id ?? null;
      // The episode's row comes first so that its links and notification can name it.
      if (u.prev.firingSince === null && u.next.firingSince !== null)
        alertId = await insertAlertRow(tx, rule, u, now);
      if (u.prev.firingSince !== null && u.next.firingSince === null && alertId !== null) {
        await tx.query(`UPDATE ${tx.table('alerts')} SET resolved_at = $2 WHERE id = $1`, [
          alertId,
          new Date(now),
        ]);
      }
      const links = found.get(u.fingerprint);
      if (links && alertId !== null) {
        for (const t of links.traces)
          involved.push({ alertId, kind: 'trace', id: t.traceId, value: t.value });
        for (const w of links.workflows) involved.push({ alertId, kind: 'workflow', id: w, value: null });
      }
      const decision = decideNotification(u.next, {
        now,
        repeatIntervalMs: rule.repeatIntervalMs,
        silenced: context.silences.some((s) => silenceApplies(s, u.labels, now)),
        acknowledged: Boolean(row?.acknowledged_at),
      });
      if (decision.suppressedBy) summary.suppressed++;
      if (decision.notify) {
        const former = u.next.lastNotifiedStatus === 'firing' ? u.next.lastNotifiedSeverity : null;
        u.next = markNotified(u.next, decision.notify, now);
        const alert: NotificationAlert = {
          alertId,
          links: notificationLinks(context.publicUrl, alertId, { traces: [], workflows: [] }, metric),
          fingerprint: u.fingerprint,
          status: decision.notify,
          severity: u.next.severity ?? rule.levels[0]!.severity,
          labels: u.labels,
          annotations: u.annotations,
          startsAt: iso(u.next.firingSince ?? u.prev.firingSince),
          endsAt: decision.notify === 'resolved' ? iso(now) : null,
          value: u.next.value ?? u.prev.value,
          // A new severity is a new label set to Alertmanager: the former one gets its resolve.
          ...(decision.notify === 'firing' && former && former !== u.labels.severity
            ? { supersededLabels: { ...u.labels, severity: former } }
            : {}),
        };
        pending.push({ groupBy: rule.groupBy, alert, metric });
      }
      const changed =
        u.prev.state !== u.next.state || (u.next.state === 'firing' && u.prev.severity !== u.next.severity);
      if (changed) {
        summary.transitions++;
        await tx.query(
          `INSERT INTO ${tx.table('alert_history')} (rule_name, fingerprint, labels, from_state, to_state, severity, value, error, changed_at)
           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9)`,
          [
            rule.name,
            u.fingerprint,
            toJsonText(u.labels),
            u.prev.state,
            u.next.state,
            u.next.severity,
            u.next.value,
            u.next.error,
            new Date(now),
          ],
        );
      }
      const stale =
        u.input.kind === 'absent' &&
        u.next.firingSince === null &&
        u.next.state !== 'pending' &&
        u.next.lastNotifiedStatus !== 'firing';
      if (stale) {
        await tx.query(
          `DELETE FROM ${tx.table('alert_instances')} WHERE rule_name = $1 AND fingerprint = $2`,
          [rule.name, u.fingerprint],
        );
      } else {
        await upsertInstance(tx, rule.name, u, alertId, now);
      }
    }
    await tx.query(`UPDATE ${tx.table('alert_rules')} SET last_error = $2 WHERE name = $1`, [
      rule.name,
      result.ok ? null : result.error,
    ]);
  }
  await recordAlertLinks(tx, involved, now);
  // Everything the episode linked so far, so a resolve or a repeat names the traces too.
  const linked = await linksOfAlerts(
    tx,
    pending.flatMap((p) => (p.alert.alertId === null ? [] : [p.alert.alertId])),
  );
  for (const { alert, metric } of pending) {
    const ids = alert.alertId === null ? undefined : linked.get(alert.alertId);
    if (ids) alert.links = notificationLinks(context.publicUrl, alert.alertId, ids, metric);
  }
  for (const notifier of context.notifiers.filter((n) => n.configured)) {
    const routed = pending.filter((p) => routes(notifier, p.alert.severity));
    for (const notification of groupNotifications(routed, now)) {
      if ((await enqueueNotification(tx, notifier.name, notification, now)) !== null) summary.notifications++;
    }
  }
  return summary;
}
