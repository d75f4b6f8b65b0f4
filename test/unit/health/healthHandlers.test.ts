import { describe, expect, it } from 'vitest';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { createHealthHandlers } from '../../../src/health/healthHandlers.js';

const secret = 'postgres://app:s3cret@db.internal:5432/prod';

function failingChecker(): HealthChecker {
  const checker = new HealthChecker();
  checker.addCheck({
    name: 'database',
    failMessage: 'Connection failed',
    check: () => Promise.reject(new Error(`cannot reach ${secret}`)),
  });
  checker.addCheck({
    name: 'pool',
    critical: false,
    check: () => ({ status: 'warn', message: '9/10 in use' }),
  });
  return checker;
}

const get = (path: string, init: RequestInit = {}) => new Request(`http://pod${path}`, init);

describe('health handlers', () => {
  it('answers 200 "ok" on pass and warn, with no-store, and 503 on fail (never 500)', async () => {
    const checker = new HealthChecker();
    checker.addCheck({ name: 'pool', check: () => ({ status: 'warn' }) });
    const handlers = createHealthHandlers(checker);
    const ready = await handlers.readyz(get('/readyz'));
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe('ok\n');
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(ready.headers.get('content-type')).toBe('text/plain; charset=utf-8');

    const failing = createHealthHandlers(failingChecker());
    const bad = await failing.readyz(get('/readyz'));
    expect(bad.status).toBe(503);
    expect(await bad.text()).toBe('readyz check failed\n');
    expect((await failing.livez(get('/livez'))).status).toBe(200);
  });

  it('hides check names and errors by default, shows them redacted when configured', async () => {
    const hidden = createHealthHandlers(failingChecker());
    const json = await hidden.readyz(
      get('/readyz?verbose', { headers: { accept: 'application/health+json' } }),
    );
    expect(json.headers.get('content-type')).toBe('application/health+json');
    expect(await json.json()).toEqual({ status: 'fail', description: 'readyz' });
    const text = await (await hidden.readyz(get('/readyz?verbose'))).text();
    expect(text).not.toContain('database');

    const shown = createHealthHandlers(failingChecker(), { exposeDetails: true });
    const verbose = await (await shown.readyz(get('/readyz?verbose'))).text();
    expect(verbose).toBe(
      '[-]database failed: Connection failed: cannot reach postgres://app:***@db.internal:5432/prod\n' +
        '[!]pool warn: 9/10 in use\nreadyz check failed\n',
    );
    const body = await (
      await shown.readyz(get('/readyz', { headers: { accept: 'application/json' } }))
    ).json();
    expect(body).toMatchObject({
      status: 'fail',
      output: 'Dependencies unhealthy: database',
      checks: {
        database: [{ status: 'fail', critical: true }],
        pool: [{ status: 'warn', output: '9/10 in use' }],
      },
    });
    expect(JSON.stringify(body)).not.toContain('s3cret');
  });

  it('shows details to an authorized caller only; a throwing authorizer means no', async () => {
    const handlers = createHealthHandlers(failingChecker(), {
      authorize: (request) => request.headers.get('x-token') === 'let-me-in',
    });
    expect(
      await (await handlers.readyz(get('/readyz?verbose', { headers: { 'x-token': 'let-me-in' } }))).text(),
    ).toContain('[-]database');
    expect(await (await handlers.readyz(get('/readyz?verbose'))).text()).toBe('readyz check failed\n');
    const asyncAuthorizer = createHealthHandlers(failingChecker(), {
      authorize: async (request) => request.headers.get('authorization') === 'Bearer ops',
    });
    const allowed = await asyncAuthorizer.readyz(
      get('/readyz', { headers: { authorization: 'Bearer ops' } }),
    );
    expect(await allowed.text()).toContain('[-]database');
    const hanging = createHealthHandlers(failingChecker(), {
      authorize: () => new Promise<boolean>(() => {}),
      responseDeadlineMs: 20,
    });
    expect(await (await hanging.readyz(get('/readyz?verbose'))).text()).toBe('readyz check failed\n');
    const throwing = createHealthHandlers(failingChecker(), {
      authorize: () => {
        throw new Error('no');
      },
    });
    expect(await (await throwing.readyz(get('/readyz?verbose'))).text()).toBe('readyz check failed\n');
  });

  it('?exclude= skips checks (repeated or comma-separated); ?verbose=false is not verbose', async () => {
    const handlers = createHealthHandlers(failingChecker(), { exposeDetails: true });
    const excluded = await handlers.readyz(get('/readyz?exclude=database&verbose'));
    expect(excluded.status).toBe(200);
    expect(await excluded.text()).toBe('[!]pool warn: 9/10 in use\nreadyz check passed\n');
    expect((await handlers.readyz(get('/readyz?exclude=database,pool&verbose=false'))).status).toBe(200);
    expect(
      await (await handlers.readyz(get('/readyz?exclude=database&exclude=pool&verbose=false'))).text(),
    ).toBe('ok\n');
  });

  it('HEAD has the status and headers without a body; other methods get 405', async () => {
    const handlers = createHealthHandlers(failingChecker());
    const head = await handlers.readyz(get('/readyz', { method: 'HEAD' }));
    expect(head.status).toBe(503);
    expect(head.headers.get('cache-control')).toBe('no-store');
    expect(await head.text()).toBe('');
    const post = await handlers.livez(get('/livez', { method: 'POST' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('routes by path, ignoring the query string', async () => {
    const handlers = createHealthHandlers(new HealthChecker());
    expect(Object.keys(handlers.routes)).toEqual(['/livez', '/readyz', '/startupz', '/health']);
    expect((await handlers.handle(get('/startupz?x=1')))?.status).toBe(200);
    expect((await handlers.handle(get('/health')))?.status).toBe(200);
    expect(await handlers.handle(get('/metrics'))).toBeUndefined();
    expect(() => createHealthHandlers(new HealthChecker(), { responseDeadlineMs: -1 })).toThrow(
      /responseDeadlineMs/,
    );
  });

  it('answers 503 "Probe timed out" at the response deadline whatever the checks do', async () => {
    const checker = new HealthChecker({ checkTimeoutMs: 60_000, probeDeadlineMs: 60_000 });
    checker.addCheck({ name: 'hang', check: () => new Promise(() => {}) });
    const handlers = createHealthHandlers(checker, { responseDeadlineMs: 20, exposeDetails: true });
    const response = await handlers.readyz(
      get('/readyz', { headers: { accept: 'application/health+json' } }),
    );
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'fail',
      description: 'readyz',
      output: 'Probe timed out',
      checks: {},
    });
  });
});
