import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../../../src/cli/api/ApiClient.js';
import { explicitServerUrl } from '../../../src/cli/api/connectApi.js';
import { ConfigError, DatabaseError, NotFoundError, ValidationError } from '../../../src/errors.js';

// A real Hono app standing in for the API's answers, called in process like the direct transport.
const app = new Hono()
  .get('/api/echo', (c) =>
    c.json({
      auth: c.req.header('authorization') ?? null,
      params: new URL(c.req.url).searchParams.getAll('attr'),
    }),
  )
  .post('/api/echo', async (c) => c.json({ body: await c.req.json(), type: c.req.header('content-type') }))
  .get('/api/status/:code', (c) =>
    c.json({ error: { code: 'PGTEL_X', message: 'because' } }, Number(c.req.param('code')) as 400),
  )
  .get('/api/html', (c) => c.html('<h1>proxy error</h1>', 502));

const client = (token?: string) =>
  new ApiClient('http://pgtel.test', (request) => Promise.resolve(app.fetch(request)), token);

describe('ApiClient', () => {
  it('sends the bearer token when set, and repeated parameters, skipping undefined ones', async () => {
    expect(await client('t0ken').get('/echo', { attr: ['a:1', 'b:2'], skip: undefined })).toEqual({
      auth: 'Bearer t0ken',
      params: ['a:1', 'b:2'],
    });
    expect(await client().get('/echo')).toEqual({ auth: null, params: [] });
  });

  it('posts JSON', async () => {
    expect(await client().post('/echo', { by: 'alice' })).toEqual({
      body: { by: 'alice' },
      type: 'application/json',
    });
  });

  it('maps error statuses to pgtel errors carrying the server message', async () => {
    await expect(client().get('/status/400')).rejects.toThrow(ValidationError);
    await expect(client().get('/status/404')).rejects.toThrow(NotFoundError);
    await expect(client().get('/status/401')).rejects.toThrow(ConfigError);
    await expect(client().get('/status/401')).rejects.toThrow(/PGTEL_API_TOKEN/);
    await expect(client().get('/status/503')).rejects.toThrow(/503 PGTEL_X: because/);
    await expect(client().get('/html')).rejects.toThrow(/502 with a body that is not JSON/);
  });

  it('explains an unreachable server', async () => {
    const down = new ApiClient('http://127.0.0.1:1', () => Promise.reject(new TypeError('fetch failed')));
    await expect(down.get('/traces')).rejects.toThrow(DatabaseError);
    await expect(down.get('/traces')).rejects.toThrow(
      /Cannot reach the pgtel server at http:\/\/127\.0\.0\.1:1/,
    );
  });
});

describe('explicitServerUrl', () => {
  it('prefers --url over PGTEL_URL and trims trailing slashes', () => {
    expect(explicitServerUrl('http://a:1/', { PGTEL_URL: 'http://b:2' })).toBe('http://a:1');
    expect(explicitServerUrl(undefined, { PGTEL_URL: 'https://b:2//' })).toBe('https://b:2');
    expect(explicitServerUrl(undefined, { PGTEL_URL: '' })).toBeUndefined();
  });

  it('refuses a URL without http(s)', () => {
    expect(() => explicitServerUrl('localhost:4318', {})).toThrow(ConfigError);
  });
});
