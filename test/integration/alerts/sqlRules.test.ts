import { beforeEach, describe, expect, it } from 'vitest';
import { listAlertInstances } from '../../../src/alerts/alertQueries.js';
import { evaluateDueRules } from '../../../src/alerts/rules/evaluateDueRules.js';
import { deleteAlertRule, listAlertRules, saveAlertRules } from '../../../src/alerts/rules/ruleStore.js';
import { runRuleSource } from '../../../src/alerts/rules/runRuleSource.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { onRealServer, useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const clock = new ManualClock('2026-03-10T12:00:00Z');

beforeEach(async () => {
  for (const r of await listAlertRules(ctx.db)) await deleteAlertRule(ctx.db, r.rule.name);
  // Deleting a firing rule queues its resolve: each test starts with an empty outbox.
  await ctx.db.query(`DELETE FROM ${ctx.db.table('alert_outbox')}`);
  clock.advance(3_600_000);
});

async function sqlRule(sql: string, timeoutMs?: number) {
  await saveAlertRules(
    ctx.db,
    [
      {
        name: 'q',
        source: { kind: 'sql', sql, timeoutMs },
        levels: [{ severity: 'warning', threshold: 10 }],
      },
    ],
    clock,
  );
  return evaluateDueRules(ctx.db, { clock });
}

describe('rules over arbitrary read-only SQL', () => {
  it('every column but value is a label; $1 is the evaluation time', async () => {
    await ctx.db.exec(
      `CREATE TABLE ${ctx.db.table('queue_jobs')} (queue text, state text, created_at timestamptz)`,
    );
    await ctx.db.query(
      `INSERT INTO ${ctx.db.table('queue_jobs')} SELECT 'mail', 'waiting', $1::timestamptz FROM generate_series(1, 12)`,
      [new Date(clock.now() - 1000)],
    );
    await ctx.db.query(`INSERT INTO ${ctx.db.table('queue_jobs')} VALUES ('sms', 'waiting', $1)`, [
      new Date(clock.now()),
    ]);
    const summary = await sqlRule(
      `SELECT queue, count(*) AS value FROM ${ctx.db.table('queue_jobs')}
        WHERE state = 'waiting' AND created_at <= $1 GROUP BY queue;`,
    );
    expect(summary.errors).toEqual([]);
    const firing = await listAlertInstances(ctx.db, { rule: 'q' });
    expect(firing.map((i) => [i.labels.queue, i.value])).toEqual([['mail', 12]]);
  });

  it('a rule that writes is refused (reader role, read-only transaction) and enters its error state', async () => {
    await ctx.db.exec(`CREATE SEQUENCE ${ctx.db.table('rule_seq')}`);
    const summary = await sqlRule(
      `SELECT nextval('${ctx.db.table('rule_seq').replaceAll("'", "''")}')::float8 AS value`,
    );
    expect(summary.errors[0]?.error).toMatch(/permission denied for sequence|read-only transaction/);
    expect((await ctx.db.query(`SELECT last_value FROM ${ctx.db.table('rule_seq')}`)).rows[0]).toMatchObject({
      last_value: 1,
    });
    expect((await listAlertInstances(ctx.db, { rule: 'q' })).map((i) => i.state)).toEqual(['error']);
  });

  it('a second statement or a data-modifying WITH cannot slip out of the read-only wrapper', async () => {
    const table = ctx.db.table('alerts');
    const before = (await ctx.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0];
    let summary = await sqlRule(`SELECT 1 AS value; COMMIT; DELETE FROM ${table}`);
    expect(summary.errors).toHaveLength(1);
    clock.advance(3_600_000);
    summary = await sqlRule(`WITH d AS (DELETE FROM ${table} RETURNING 1) SELECT count(*) AS value FROM d`);
    expect(summary.errors).toHaveLength(1);
    expect((await ctx.db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0]).toEqual(before);
  });

  it('bad result shapes are errors with a clear message', async () => {
    expect(await runRuleSource(ctx.db, { kind: 'sql', sql: 'SELECT 1 AS n' }, clock.now())).toEqual({
      ok: false,
      error: 'the rule query must return a column named "value"',
    });
    expect(
      await runRuleSource(ctx.db, { kind: 'sql', sql: "SELECT 'x' AS value" }, clock.now()),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/must be numeric/),
    });
    expect(await runRuleSource(ctx.db, { kind: 'sql', sql: 'SELEC 1' }, clock.now())).toMatchObject({
      ok: false,
    });
  });

  it.runIf(onRealServer)('a rule that runs too long is cancelled by its statement timeout', async () => {
    const summary = await sqlRule('SELECT 1 AS value FROM pg_sleep(5)', 100);
    expect(summary.errors[0]?.error).toMatch(/statement timeout/);
    expect((await listAlertInstances(ctx.db, { rule: 'q' })).map((i) => i.state)).toEqual(['error']);
  });
});
