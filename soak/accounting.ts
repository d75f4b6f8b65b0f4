import type { AppReport, LoadReport } from './soakTypes.js';

/** One line of the accounting: for a signal of a process, produced = stored + dropped. */
export interface AccountingRow {
  signal: string;
  process: string;
  produced: number;
  stored: number;
  dropped: number;
  /** Dropped items by reason. */
  reasons: Record<string, number>;
  /** Items stored more than once (at-least-once retries after an unknown outcome); not in `stored`. */
  duplicates: number;
  balanced: boolean;
}

/** What the database holds, counted by the soak runner after every process stopped. */
export interface StoredCounts {
  spansByService: Record<string, number>;
  /** Metric rows by `proc` label: all rows and distinct (name, labels, time). */
  metricRowsByProc: Record<string, { rows: number; distinct: number }>;
  workflowOpsByActor: Record<string, number>;
  otlpPoints: { rows: number; distinct: number };
}

function row(
  signal: string,
  process: string,
  produced: number,
  stored: number,
  reasons: Record<string, number>,
  duplicates = 0,
): AccountingRow {
  const clean = Object.fromEntries(Object.entries(reasons).filter(([, n]) => n > 0));
  const dropped = Object.values(clean).reduce((a, b) => a + b, 0);
  return {
    signal,
    process,
    produced,
    stored,
    dropped,
    reasons: clean,
    duplicates,
    balanced: produced === stored + dropped,
  };
}

/** The accounting per signal and per process; every row must balance. */
export function account(apps: readonly AppReport[], load: LoadReport, stored: StoredCounts): AccountingRow[] {
  const rows: AccountingRow[] = [];
  for (const app of apps) {
    const s = app.spans.stats;
    rows.push(
      row('spans', app.proc, app.spans.produced, stored.spansByService[app.proc] ?? 0, {
        'span queue full or unwritten at shutdown': s.dropped,
        'database unreachable past the export budget': s.failed,
        'refused by the database': s.rejected,
      }),
    );
    const m = app.metricRows.stats;
    const metricRows = stored.metricRowsByProc[app.proc] ?? { rows: 0, distinct: 0 };
    rows.push(
      row(
        'metric rows',
        app.proc,
        app.metricRows.produced,
        metricRows.distinct,
        {
          'pending bound exceeded or unwritten at shutdown': m.droppedRows,
          'refused by the database': m.poisonRows,
        },
        metricRows.rows - metricRows.distinct,
      ),
    );
    rows.push(
      row('workflow writes', app.proc, app.workflowOps.produced, stored.workflowOpsByActor[app.proc] ?? 0, {
        ...Object.fromEntries(Object.entries(app.workflowOps.givenUp).map(([k, n]) => [`gave up: ${k}`, n])),
      }),
    );
  }
  const prefixed = (given: Record<string, number>) =>
    Object.fromEntries(Object.entries(given).map(([k, n]) => [`gave up: ${k}`, n]));
  rows.push(
    row('OTLP spans', 'loadgen', load.spans.sent, stored.spansByService['soak-loadgen'] ?? 0, {
      'partial success (rejected)': load.spans.rejected,
      ...prefixed(load.spans.givenUp),
    }),
  );
  rows.push(
    row(
      'OTLP points',
      'loadgen',
      load.points.sent,
      stored.otlpPoints.distinct,
      { 'partial success (rejected)': load.points.rejected, ...prefixed(load.points.givenUp) },
      stored.otlpPoints.rows - stored.otlpPoints.distinct,
    ),
  );
  return rows;
}

/** A check of the soak besides the accounting (alerts, notifications, partitions, bounds). */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The accounting and checks as a fixed-width text table. */
export function renderReport(rows: readonly AccountingRow[], checks: readonly Check[]): string {
  const head = ['signal', 'process', 'produced', 'stored', 'dropped', 'dup', 'ok'];
  const body = rows.map((r) => [
    r.signal,
    r.process,
    String(r.produced),
    String(r.stored),
    String(r.dropped),
    String(r.duplicates),
    r.balanced ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
  const reasons = rows.flatMap((r) =>
    Object.entries(r.reasons).map(([k, n]) => `  ${r.signal} ${r.process}: ${n} ${k}`),
  );
  if (reasons.length > 0) out.push('', 'dropped, by reason:', ...reasons);
  const dups = rows.filter((r) => r.duplicates > 0);
  if (dups.length > 0)
    out.push(
      '',
      'stored twice after a retry whose first outcome was unknown (not counted as stored):',
      ...dups.map((r) => `  ${r.signal} ${r.process}: ${r.duplicates}`),
    );
  out.push('', 'checks:', ...checks.map((c) => `  [${c.ok ? 'ok' : 'FAIL'}] ${c.name}: ${c.detail}`));
  return out.join('\n');
}
