import { Hono } from 'hono';
import { getAlertHistory, listAlertInstances } from '../../alerts/alertQueries.js';
import { ALERT_STATES, type AlertState } from '../../alerts/rules/InstanceState.js';
import type { SilenceMatcher } from '../../alerts/silences/Silence.js';
import { createSilence, expireSilence, listSilences } from '../../alerts/silences/silenceStore.js';
import { acknowledgeAlert } from '../../alerts/thresholds/acknowledgeAlert.js';
import { resolveAlert } from '../../alerts/thresholds/resolveThresholdAlert.js';
import { systemClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { alertErrorSpans } from '../../links/alertErrorSpans.js';
import { alertLinks } from '../../links/alertLinks.js';
import type { ApiDeps } from './ApiDeps.js';
import { alertRuleRoutes } from './alertRuleRoutes.js';
import { QueryParams } from './QueryParams.js';
import { readJsonObject } from './readJsonObject.js';
import { readOnlyQuery, writeQuery } from './readOnlyQuery.js';

const MAX_SILENCE_MS = 90 * 86_400_000;

function positiveId(raw: string, what: string): number {
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(id > 0))
    throw new ValidationError(`${what} must be a positive whole number, got "${raw.slice(0, 40)}"`);
  return id;
}

function text(body: Record<string, unknown>, key: string, required: boolean, max = 200): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw new ValidationError(`${key} is required`);
    return undefined;
  }
  if (typeof value !== 'string' || value.trim() === '' || value.length > max || value.includes('\0'))
    throw new ValidationError(`${key} must be a non-empty string of at most ${max} characters`);
  return value;
}

function bodyTime(body: Record<string, unknown>, key: string): Date | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  const date =
    typeof value === 'string' || typeof value === 'number' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw new ValidationError(`${key} must be an ISO-8601 time or epoch milliseconds`);
  return date;
}

/**
 * `/alerts` and `/silences`: firing alerts, state history, rules, acknowledge and silence; an alert
 * episode's links (`/alerts/:id/links`) and the error spans of its firing window (`/alerts/:id/error-spans`).
 */
export function alertRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/alerts', async (c) => {
    const params = QueryParams.of(c.req.url);
    const states = params.keys('state', ALERT_STATES.length);
    const rule = params.string('rule', 200);
    params.done();
    for (const state of states)
      if (!(ALERT_STATES as readonly string[]).includes(state))
        throw new ValidationError(`state must list only ${ALERT_STATES.join(', ')}, got "${state}"`);
    const alerts = await readOnlyQuery(deps, (tx) =>
      listAlertInstances(tx, {
        now: clock.now(),
        ...(states.length ? { states: states as AlertState[] } : {}),
        ...(rule ? { rule } : {}),
      }),
    );
    return c.json({ alerts });
  });

  app.get('/alerts/history', async (c) => {
    const params = QueryParams.of(c.req.url);
    const rule = params.string('rule', 200);
    const fingerprint = params.string('fingerprint', 200);
    const since = params.time('since');
    const limit = params.integer('limit', 1, 1000, 100);
    params.done();
    const history = await readOnlyQuery(deps, (tx) =>
      getAlertHistory(tx, {
        limit,
        ...(rule ? { rule } : {}),
        ...(fingerprint ? { fingerprint } : {}),
        ...(since ? { since } : {}),
      }),
    );
    return c.json({ history });
  });

  app.route('/', alertRuleRoutes(deps));

  app.get('/alerts/:id/links', async (c) => {
    const id = positiveId(c.req.param('id'), 'alert id');
    QueryParams.of(c.req.url).done();
    return c.json(await readOnlyQuery(deps, (tx) => alertLinks(tx, id)));
  });

  app.get('/alerts/:id/error-spans', async (c) => {
    const id = positiveId(c.req.param('id'), 'alert id');
    const params = QueryParams.of(c.req.url);
    const beforeMs = params.integer('beforeMs', 0, 86_400_000, 300_000);
    params.done();
    const now = new Date(clock.now());
    return c.json(await readOnlyQuery(deps, (tx) => alertErrorSpans(tx, id, { beforeMs, now })));
  });

  app.post('/alerts/:id/acknowledge', async (c) => {
    const id = positiveId(c.req.param('id'), 'alert id');
    QueryParams.of(c.req.url).done();
    const by = text(await readJsonObject(c.req.raw), 'by', true)!;
    const alert = await writeQuery(deps, (tx) => acknowledgeAlert(tx, id, by, clock));
    return c.json({ alert });
  });

  app.post('/alerts/:id/resolve', async (c) => {
    const id = positiveId(c.req.param('id'), 'alert id');
    QueryParams.of(c.req.url).done();
    const alert = await writeQuery(deps, (tx) => resolveAlert(tx, id, { clock }));
    return c.json({ alert });
  });

  app.get('/silences', async (c) => {
    const params = QueryParams.of(c.req.url);
    const includeExpired = params.boolean('includeExpired') ?? false;
    params.done();
    return c.json({
      silences: await readOnlyQuery(deps, (tx) => listSilences(tx, { clock, includeExpired })),
    });
  });

  app.post('/silences', async (c) => {
    QueryParams.of(c.req.url).done();
    const body = await readJsonObject(c.req.raw);
    const createdBy = text(body, 'createdBy', true)!;
    const comment = text(body, 'comment', false, 1000);
    const startsAt = bodyTime(body, 'startsAt');
    let endsAt = bodyTime(body, 'endsAt');
    const durationMs = body.durationMs;
    if (durationMs !== undefined) {
      if (endsAt) throw new ValidationError('give either endsAt or durationMs, not both');
      if (
        typeof durationMs !== 'number' ||
        !Number.isInteger(durationMs) ||
        durationMs < 1000 ||
        durationMs > MAX_SILENCE_MS
      )
        throw new ValidationError(`durationMs must be a whole number from 1000 to ${MAX_SILENCE_MS}`);
      endsAt = new Date((startsAt?.getTime() ?? clock.now()) + durationMs);
    }
    if (!endsAt) throw new ValidationError('endsAt or durationMs is required');
    if (!Array.isArray(body.matchers) || body.matchers.length > 20)
      throw new ValidationError('matchers must be a list of 1 to 20 { name, value, op } objects');
    const silence = await writeQuery(deps, (tx) =>
      createSilence(
        tx,
        {
          matchers: body.matchers as SilenceMatcher[],
          endsAt,
          createdBy,
          ...(startsAt ? { startsAt } : {}),
          ...(comment ? { comment } : {}),
        },
        clock,
      ),
    );
    return c.json({ silence }, 201);
  });

  app.post('/silences/:id/expire', async (c) => {
    const id = positiveId(c.req.param('id'), 'silence id');
    QueryParams.of(c.req.url).done();
    return c.json({ silence: await writeQuery(deps, (tx) => expireSilence(tx, id, clock)) });
  });

  return app;
}
