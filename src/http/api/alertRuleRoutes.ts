import { Hono } from 'hono';
import { listAlertInstances } from '../../alerts/alertQueries.js';
import type { AlertRuleDefinition } from '../../alerts/rules/AlertRule.js';
import { applyFileRules } from '../../alerts/rules/file/applyFileRules.js';
import { formatRuleFileProblem, parseRuleFile } from '../../alerts/rules/file/parseRuleFile.js';
import { ALERT_STATES } from '../../alerts/rules/InstanceState.js';
import { listRecordingRules } from '../../alerts/rules/recording/recordingRuleStore.js';
import { getRuleOverview, listRuleOverviews } from '../../alerts/rules/ruleOverview.js';
import { deleteAlertRule, getAlertRule, saveAlertRules } from '../../alerts/rules/ruleStore.js';
import { systemClock } from '../../clock.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { ApiDeps } from './ApiDeps.js';
import { QueryParams } from './QueryParams.js';
import { readJsonObject } from './readJsonObject.js';
import { readOnlyQuery, writeQuery } from './readOnlyQuery.js';

/** Largest rule or rule file accepted as a body. */
const RULES_BODY_BYTES = 1024 * 1024;

function ruleName(raw: string): string {
  const name = decodeURIComponent(raw);
  if (name.trim() === '' || name.length > 200 || name.includes('\0'))
    throw new ValidationError('the rule name must be 1 to 200 characters');
  return name;
}

/**
 * `/alerts/rules`: the alert rules with their state and the recording rules (`GET`), one rule with its alerts (`GET /:name`),
 * create or replace one (`PUT /:name`, a JSON `AlertRuleDefinition`), delete one (`DELETE /:name`),
 * and apply a rule file sent as JSON (`PUT /alerts/rules`, `{ groups: [...] }`). Rules of the rule
 * file are changed only through the file (409 otherwise); every problem of a bad rule is one 400.
 */
export function alertRuleRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/alerts/rules', async (c) => {
    QueryParams.of(c.req.url).done();
    return c.json(
      await readOnlyQuery(deps, async (tx) => ({
        rules: await listRuleOverviews(tx),
        recordingRules: await listRecordingRules(tx),
      })),
    );
  });

  app.put('/alerts/rules', async (c) => {
    QueryParams.of(c.req.url).done();
    const parsed = parseRuleFile(await readJsonObject(c.req.raw, RULES_BODY_BYTES));
    if (parsed.problems.length > 0)
      throw new ValidationError(
        `the rule file has ${parsed.problems.length} problem(s): ${parsed.problems.map(formatRuleFileProblem).join('; ')}`,
      );
    const applied = await applyFileRules(deps.db, parsed.rules, {
      clock,
      recordingRules: parsed.recordingRules,
    });
    return c.json({
      groups: parsed.groups,
      rules: parsed.rules.length,
      recordingRules: parsed.recordingRules.length,
      ...applied,
    });
  });

  app.get('/alerts/rules/:name', async (c) => {
    const name = ruleName(c.req.param('name'));
    QueryParams.of(c.req.url).done();
    return c.json(
      await readOnlyQuery(deps, async (tx) => ({
        rule: await getRuleOverview(tx, name),
        alerts: await listAlertInstances(tx, { states: ALERT_STATES, rule: name, now: clock.now() }),
      })),
    );
  });

  app.put('/alerts/rules/:name', async (c) => {
    const name = ruleName(c.req.param('name'));
    QueryParams.of(c.req.url).done();
    const body = await readJsonObject(c.req.raw, RULES_BODY_BYTES);
    if (body.name !== undefined && body.name !== name)
      throw new ValidationError(
        `name in the body (${JSON.stringify(body.name)}) differs from the path (${JSON.stringify(name)})`,
      );
    const definition = { ...body, name } as unknown as AlertRuleDefinition;
    const created = await writeQuery(deps, async (tx) => {
      const existed = await getAlertRule(tx, name).then(
        () => true,
        (error: unknown) => {
          if (error instanceof NotFoundError) return false;
          throw error;
        },
      );
      await saveAlertRules(tx, [definition], clock, 'api');
      return !existed;
    });
    const rule = await readOnlyQuery(deps, (tx) => getRuleOverview(tx, name));
    return c.json({ rule }, created ? 201 : 200);
  });

  app.delete('/alerts/rules/:name', async (c) => {
    const name = ruleName(c.req.param('name'));
    QueryParams.of(c.req.url).done();
    await deleteAlertRule(deps.db, name, { clock, keepFileRules: true });
    return c.json({ deleted: name });
  });

  return app;
}
