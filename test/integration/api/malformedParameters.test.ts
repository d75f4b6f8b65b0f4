import type { Hono } from 'hono';
import { beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { createTestApp } from './apiTestApp.js';

const ctx = useTestDatabase();
let app: Hono;

beforeAll(() => {
  app = createTestApp(ctx.db, new ManualClock('2026-03-10T12:00:00.000Z'));
});

/** A cursor in the shape `encodeCursor` makes, with any id inside. */
const cursor = (at: unknown, id: unknown) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

const UUID = '0b8e4e8a-3f2c-4d6b-9a51-5c3d2e1f0a9b';
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

// Each case: a request and the parameter its 400 must name.
const cases: [path: string, names: RegExp][] = [
  [`/api/workflows?cursor=${cursor(1, 'not-a-uuid')}`, /cursor/],
  [`/api/workflows?cursor=${cursor(1, TRACE)}`, /cursor/],
  [`/api/workflows?cursor=${cursor(1.5, UUID)}`, /cursor/],
  [`/api/workflows?cursor=${cursor('1', UUID)}`, /cursor/],
  ['/api/workflows?cursor=%%%', /cursor/],
  ['/api/workflows?cursor=bm90IGpzb24', /cursor/],
  [`/api/workflows?correlationId=${UUID}`, /[Cc]orrelation/],
  ['/api/workflows/not-a-uuid', /[Ww]orkflow id/],
  ['/api/workflows/not-a-uuid/traces', /[Ww]orkflow id/],
  ['/api/workflows/not-a-uuid/alerts', /[Ww]orkflow id/],
  [`/api/traces?cursor=${cursor(1, 'x')}`, /cursor/],
  [`/api/traces?cursor=${cursor(1, UUID)}`, /cursor/],
  ['/api/traces?cursor=AAAA', /cursor/],
  ['/api/traces/not-hex', /trace/i],
  ['/api/traces/not-hex/workflows', /trace/i],
  ['/api/traces/not-hex/alerts', /trace/i],
  [`/api/logs?cursor=${cursor(1, UUID)}`, /cursor/],
  ['/api/alerts/abc/links', /alert id/],
  ['/api/alerts/0/error-spans', /alert id/],
  ['/api/alerts/99999999999999999999999/links', /alert id/],
  ['/api/metrics/bad%00name/series', /metric name/],
  ['/api/metrics/http_requests/series?step=soon', /step/],
  ['/api/metrics/http_requests/percentiles?p=2', /\bp\b/],
  ['/api/metrics/http_requests/exemplars?limit=0', /limit/],
  ['/api/metrics/http_requests/percentiles?from=yesterday', /from/],
];

describe('malformed parameters, cursors and ids on the JSON API', () => {
  it.each(cases)('%s answers 400 naming the parameter', async (path, names) => {
    const response = await app.fetch(new Request(`http://pgtel.test${path}`));
    const body = (await response.json()) as { error?: { code: string; message: string } };
    expect({ status: response.status, body }).toMatchObject({ status: 400 });
    expect(body.error?.message).toMatch(names);
  });

  it('still serves a well-formed cursor whose position matches nothing', async () => {
    const response = await app.fetch(
      new Request(`http://pgtel.test/api/workflows?cursor=${cursor(1, UUID)}`),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ workflows: [], nextCursor: null });
  });
});
