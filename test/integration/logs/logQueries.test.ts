import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { logFilterSql } from '../../../src/logs/logFilterSql.js';
import {
  type LogCursor,
  logSeverityHistogram,
  logsOfTrace,
  logsSince,
  searchLogs,
} from '../../../src/logs/logQueries.js';
import { insertLogRows, type LogRowInput } from '../../helpers/insertLogRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const NOW = Date.parse('2026-03-10T12:00:00Z');
const TRACE = 'ab'.repeat(16);
const SPAN = 'cd'.repeat(8);
const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000);
const window = { from: at(60), to: new Date(NOW) };

const ROWS: LogRowInput[] = [
  {
    at: at(1),
    body: 'payment refused: card declined',
    severityNumber: 17,
    service: 'payments',
    traceId: TRACE,
    spanId: SPAN,
    attributes: { 'http.status_code': 402, region: 'eu' },
  },
  {
    at: at(2),
    body: 'order placed',
    severityNumber: 9,
    service: 'shop-api',
    traceId: TRACE,
    attributes: { region: 'eu' },
  },
  { at: at(3), body: 'cache miss for key user:42', severityNumber: 5, service: 'shop-api' },
  {
    at: at(4),
    body: 'slow query took 1200 ms',
    severityNumber: 13,
    service: 'shop-db',
    attributes: { region: 'us' },
  },
  {
    at: at(5),
    body: 'disk almost full',
    severityNumber: 21,
    service: 'shop-db',
    resource: { 'host.name': 'db1' },
  },
  { at: at(90), body: 'card declined long ago', severityNumber: 17, service: 'payments' },
];

async function seed() {
  await insertLogRows(ctx.db, ROWS);
}

const bodies = (page: { logs: { body: string }[] }) => page.logs.map((l) => l.body);

describe('searchLogs', () => {
  it('filters by window, service, severity (name or number), full text, trace, span and attributes', async () => {
    await seed();
    const all = await searchLogs(ctx.db, window);
    expect(bodies(all)).toEqual(ROWS.slice(0, 5).map((r) => r.body));
    const first = all.logs[0]!;
    expect(first).toMatchObject({
      severityNumber: 17,
      severityText: 'ERROR',
      serviceName: 'payments',
      traceId: TRACE,
      spanId: SPAN,
      attributes: { 'http.status_code': 402, region: 'eu' },
    });
    expect(first.timestamp).toEqual(at(1));
    expect(bodies(await searchLogs(ctx.db, { ...window, service: 'shop-db' }))).toEqual([
      'slow query took 1200 ms',
      'disk almost full',
    ]);
    const warnAndUp = ['payment refused: card declined', 'slow query took 1200 ms', 'disk almost full'];
    expect(bodies(await searchLogs(ctx.db, { ...window, severity: 'warn' }))).toEqual(warnAndUp);
    expect(bodies(await searchLogs(ctx.db, { ...window, severity: 'WARN' }))).toEqual(warnAndUp);
    expect(bodies(await searchLogs(ctx.db, { ...window, severity: 13 }))).toEqual(warnAndUp);
    expect(bodies(await searchLogs(ctx.db, { ...window, severity: '18' }))).toEqual(['disk almost full']);
    expect(bodies(await searchLogs(ctx.db, { ...window, q: 'declined' }))).toEqual([
      'payment refused: card declined',
    ]);
    // Web-search syntax: a phrase, an OR, a negation; the window still applies.
    expect(bodies(await searchLogs(ctx.db, { ...window, q: '"card declined" or disk' }))).toEqual([
      'payment refused: card declined',
      'disk almost full',
    ]);
    expect(bodies(await searchLogs(ctx.db, { ...window, q: 'card -payment' }))).toEqual([]);
    expect(
      bodies(await searchLogs(ctx.db, { from: at(120), to: new Date(NOW), q: 'card -payment' })),
    ).toEqual(['card declined long ago']);
    expect(bodies(await searchLogs(ctx.db, { ...window, traceId: TRACE.toUpperCase() }))).toEqual([
      'payment refused: card declined',
      'order placed',
    ]);
    expect(bodies(await searchLogs(ctx.db, { ...window, spanId: SPAN }))).toEqual([
      'payment refused: card declined',
    ]);
    expect(bodies(await searchLogs(ctx.db, { ...window, attributes: { region: 'eu' } }))).toHaveLength(2);
    // A value that reads as a number matches the number too.
    expect(
      bodies(await searchLogs(ctx.db, { ...window, attributes: { 'http.status_code': '402' } })),
    ).toEqual(['payment refused: card declined']);
    expect(
      bodies(await searchLogs(ctx.db, { ...window, service: 'shop-api', severity: 'info', q: 'order' })),
    ).toEqual(['order placed']);
  });

  it('pages newest first with a keyset cursor that stays stable while rows are inserted', async () => {
    const from = new Date(NOW + 3_600_000);
    const base = from.getTime();
    // 7 records, two of them at the very same time (told apart by record id).
    const rows: LogRowInput[] = [0, 1, 2, 3, 3, 4, 5].map((s, i) => ({
      at: new Date(base + s * 1000),
      body: `paged ${i}`,
      service: 'pager',
    }));
    await insertLogRows(ctx.db, rows);
    const search = { from, to: new Date(base + 60_000), service: 'pager', limit: 3 };
    const seen: string[] = [];
    let after: LogCursor | undefined;
    let pages = 0;
    do {
      const page = await searchLogs(ctx.db, { ...search, after });
      seen.push(...bodies(page));
      after = page.nextCursor ?? undefined;
      pages++;
      // Newer records arriving between pages never show up in later pages, nor shift them.
      await insertLogRows(ctx.db, [
        { at: new Date(base + 30_000 + pages), body: `late ${pages}`, service: 'pager' },
      ]);
    } while (after);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
    expect(seen.slice(0, 2)).toEqual(['paged 6', 'paged 5']);
    expect(seen.at(-1)).toBe('paged 0');
  });

  it('refuses bad parameters with a ValidationError naming the parameter', async () => {
    const bad: [object, RegExp][] = [
      [{ severity: 'loud' }, /^severity must be one of trace, debug, info, warn, error, fatal/],
      [{ severity: 25 }, /^severity/],
      [{ severity: 0 }, /^severity/],
      [{ traceId: 'xyz' }, /^traceId must be 32 hex/],
      [{ spanId: '123' }, /^spanId must be 16 hex/],
      [{ limit: 0 }, /^limit/],
      [{ limit: 1001 }, /^limit/],
      [{ from: new Date(NOW), to: new Date(NOW - 1) }, /^from must be before to/],
      [{ from: new Date(Number.NaN) }, /^from must be a valid Date/],
      [{ q: 'x'.repeat(600) }, /^q is longer/],
      [{ after: { at: 1.5, id: '1' } }, /^cursor is not valid/],
      [{ after: { at: 1, id: '1; drop' } }, /^cursor is not valid/],
    ];
    for (const [search, message] of bad) {
      const error = await searchLogs(ctx.db, search).catch((e: unknown) => e);
      expect(error, JSON.stringify(search)).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(message);
    }
  });
});

describe('the other log reads', () => {
  it('lists the records of a trace oldest first, whatever their time', async () => {
    const logs = await logsOfTrace(ctx.db, TRACE);
    expect(logs.map((l) => l.body)).toEqual(['order placed', 'payment refused: card declined']);
    expect(await logsOfTrace(ctx.db, 'ef'.repeat(16))).toEqual([]);
  });

  it('reads the records from a time on, oldest first, with their cursors', async () => {
    const rows = await logsSince(ctx.db, { service: 'shop-db' }, at(4.5).getTime() * 1000);
    expect(rows.map((r) => r.body)).toEqual(['slow query took 1200 ms']);
    expect(rows[0]!.cursor.at).toBe(at(4).getTime() * 1000);
  });

  it('counts records per severity name and time bucket', async () => {
    const histogram = await logSeverityHistogram(ctx.db, window, 120_000);
    const bySeverity = Object.fromEntries(histogram.series.map((s) => [s.severity, s.points]));
    expect(bySeverity).toEqual({
      fatal: [[at(6).getTime(), 1]],
      warn: [[at(4).getTime(), 1]],
      debug: [[at(4).getTime(), 1]],
      info: [[at(2).getTime(), 1]],
      error: [[at(2).getTime(), 1]],
    });
  });
});

describe('full-text search and its index', () => {
  it('is answered by logs_body_search_idx (the search and the index share one expression)', async () => {
    const values: unknown[] = [];
    const where = logFilterSql({ q: 'declined' }, (value) => {
      values.push(value);
      return `$${values.length}`;
    });
    const plan = await ctx.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT record_id FROM ${tx.table('logs')} WHERE ${where.join(' AND ')}`,
        values,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    // Each month's partition has its own copy of the index, named after the expression.
    expect(plan).toMatch(/Bitmap Index Scan on logs_\w+_to_tsvector_idx/);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
