import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { maintainPartitions } from '../../../src/schema/PartitionManager.js';
import { monthStart, partitionName } from '../../../src/schema/partitionMath.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import {
  disposeTestDatabase,
  onRealServer,
  openTestDatabase,
  testDatabaseUrl,
} from '../../helpers/testDatabase.js';

// Other tables register partitions too; these tests look at the two seed ones.
const ours = (name: string) => /^(metrics|spans)_p\d/.test(name);
const COLUMNS = ['metric_name', 'metric_value', 'metric_type', 'recorded_at', 'labels'];

async function partitionsOf(db: Database, table: string): Promise<string[]> {
  const result = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = to_regclass($1) ORDER BY 1`,
    [db.table(table)],
  );
  return result.rows.map((r) => r.name);
}

async function whereStored(db: Database): Promise<Record<string, string>> {
  const result = await db.query<{ name: string; part: string }>(
    `SELECT metric_name AS name, tableoid::regclass::text AS part FROM ${db.table('metrics')}`,
  );
  return Object.fromEntries(result.rows.map((r) => [r.name, r.part.split('.').pop()!.replaceAll('"', '')]));
}

describe('partition manager', () => {
  let db: Database;
  const clock = new ManualClock('2026-01-20T10:00:00Z');
  beforeAll(async () => {
    db = await openTestDatabase({ migrated: false });
    const { migrate } = await import('../../../src/schema/migrate.js');
    await migrate(db, { clock });
  });
  afterAll(async () => {
    await disposeTestDatabase(db);
  });

  it('creates the current month and two ahead at migrate time, for metrics and spans', async () => {
    expect(await partitionsOf(db, 'metrics')).toEqual([
      'metrics_default',
      'metrics_p2026_01',
      'metrics_p2026_02',
      'metrics_p2026_03',
    ]);
    expect(await partitionsOf(db, 'spans')).toEqual([
      'spans_default',
      'spans_p2026_01',
      'spans_p2026_02',
      'spans_p2026_03',
    ]);
  });

  it('stores rows of months without a partition in one batch with the others, then adopts them', async () => {
    await db.copyRows('metrics', COLUMNS, [
      ['backfill', 1, 'gauge', new Date('2025-11-03T00:00:00Z'), {}],
      ['now', 2, 'gauge', new Date('2026-01-20T10:00:00Z'), {}],
      ['future', 3, 'gauge', new Date('2027-06-01T00:00:00Z'), {}],
    ]);
    expect(await whereStored(db)).toEqual({
      backfill: 'metrics_default',
      now: 'metrics_p2026_01',
      future: 'metrics_default',
    });
    const report = await maintainPartitions(db, { clock });
    expect(report.created).toEqual(expect.arrayContaining(['metrics_p2025_11', 'metrics_p2027_06']));
    expect(report.movedRows).toBe(2);
    expect(await whereStored(db)).toEqual({
      backfill: 'metrics_p2025_11',
      now: 'metrics_p2026_01',
      future: 'metrics_p2027_06',
    });
  });

  it('puts rows at UTC month bounds in the right partition under any session time zone', async () => {
    await db.copyRows('metrics', COLUMNS, [
      ['last-instant-of-jan', 1, 'gauge', new Date('2026-01-31T23:59:59.999Z'), {}],
      ['first-instant-of-feb', 1, 'gauge', new Date('2026-02-01T00:00:00Z'), {}],
    ]);
    const stored = await whereStored(db);
    expect(stored['last-instant-of-jan']).toBe('metrics_p2026_01');
    expect(stored['first-instant-of-feb']).toBe('metrics_p2026_02');
  });

  it('is idempotent and safe from several callers at once', async () => {
    const reports = await Promise.all([1, 2, 3].map(() => maintainPartitions(db, { clock })));
    expect(reports.flatMap((r) => r.created).filter(ours)).toEqual([]);
    clock.set('2026-03-05T00:00:00Z');
    const concurrent = await Promise.all([1, 2, 3].map(() => maintainPartitions(db, { clock })));
    expect(
      concurrent
        .flatMap((r) => r.created)
        .filter(ours)
        .sort(),
    ).toEqual(['metrics_p2026_04', 'metrics_p2026_05', 'spans_p2026_04', 'spans_p2026_05']);
  });

  it('drops months past retention without touching the rows of other months', async () => {
    await db.copyRows('metrics', COLUMNS, [['march', 1, 'gauge', new Date('2026-03-01T00:00:00Z'), {}]]);
    clock.set('2026-05-10T00:00:00Z'); // 60 days back is March 11th: January and February are past.
    const report = await maintainPartitions(db, { clock, retentionDays: { metrics: 60 } });
    expect(report.dropped.filter((name) => name.startsWith('metrics_'))).toEqual([
      'metrics_p2026_01',
      'metrics_p2026_02',
    ]);
    expect(await partitionsOf(db, 'metrics')).toContain('metrics_p2026_03');
    expect(await whereStored(db)).toEqual({ march: 'metrics_p2026_03', future: 'metrics_p2027_06' });
  });
});

describe.runIf(onRealServer)('a session in another time zone', () => {
  it('reads and writes the same instants as a UTC session', async () => {
    const setup = await openTestDatabase();
    const kolkata = await openDatabase({
      databaseUrl: `${testDatabaseUrl}${testDatabaseUrl!.includes('?') ? '&' : '?'}options=-c%20TimeZone%3DAsia%2FKolkata`,
      schema: setup.schema,
    });
    try {
      expect(
        (await kolkata.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows[0]?.tz,
      ).toBe('Asia/Kolkata');
      const at = new Date(monthStart(Date.now(), 1).getTime() - 2 * 3_600_000); // already next month in Kolkata
      await kolkata.copyRows('metrics', COLUMNS, [['copied', 1, 'gauge', at, {}]]);
      await kolkata.query(
        `INSERT INTO ${kolkata.table('metrics')} (${COLUMNS.join(', ')}) VALUES ('inserted', 1, 'gauge', $1, '{}')`,
        [at],
      );
      const fromKolkata = await kolkata.query<{ recorded_at: Date }>(
        `SELECT recorded_at FROM ${kolkata.table('metrics')}`,
      );
      const fromUtc = await setup.query<{ recorded_at: Date; part: string }>(
        `SELECT recorded_at, tableoid::regclass::text AS part FROM ${setup.table('metrics')}`,
      );
      expect(fromKolkata.rows.map((r) => r.recorded_at)).toEqual([at, at]);
      expect(fromUtc.rows.map((r) => r.recorded_at)).toEqual([at, at]);
      expect(
        fromUtc.rows.every((r) => r.part.endsWith(partitionName('metrics', monthStart(Date.now())))),
      ).toBe(true);
    } finally {
      await kolkata.close();
      await disposeTestDatabase(setup);
    }
  });
});
