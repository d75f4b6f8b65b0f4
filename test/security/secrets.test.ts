import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase.js';
import { quoteIdent } from '../../src/db/quoteIdent.js';
import { spawnServe } from '../helpers/serveProcess.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../helpers/testDatabase.js';

const PASSWORD = 'dbpw-Secret-7f3a9c';
const TOKEN = 'api-token-Secret-5b2e8d41';
const CHAT_TOKEN = '123456:chat-Secret-a1b2c3';
const HOOK_PASSWORD = 'hookpw-Secret-99';
const SECRETS = [PASSWORD, TOKEN, CHAT_TOKEN, HOOK_PASSWORD];
const schema = uniqueSchema('secrets');
const folder = mkdtempSync(join(tmpdir(), 'pgtel-secrets-'));

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (onRealServer) {
    const db = await openDatabase({ databaseUrl: testDatabaseUrl, schema });
    await db.exec(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
    await db.close();
  }
});

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) expect(text.includes(secret), `${secret} in ${where}`).toBe(false);
}

/** The test server's URL with a password: trust authentication ignores it, so the server still accepts it. */
function urlWithPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
}

describe('no secret in any response, log line or error of pgtel serve', () => {
  it('keeps the database password out of a failed start', async () => {
    const error = await spawnServe([], {
      PGTEL_DATABASE_URL: `postgres://pgtel:${PASSWORD}@127.0.0.1:1/nowhere`,
      PGTEL_API_TOKEN: TOKEN,
    }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    // The error names the server (password masked) so the operator can act on it.
    expect(error!.message).toContain('postgres://pgtel:***@127.0.0.1:1/nowhere');
    expectNoSecret(error!.message, 'the output of a failed start');
  }, 90_000);

  it('keeps every configured secret out of responses and logs, on success and on errors', async () => {
    const env = {
      ...(onRealServer
        ? { PGTEL_DATABASE_URL: urlWithPassword(testDatabaseUrl!), PGTEL_SCHEMA: schema }
        : { DATABASE_URL: '', PGTEL_DATABASE_URL: '', PGTEL_DATA_DIR: join(folder, 'data') }),
      PGTEL_API_TOKEN: TOKEN,
      PGTEL_AUTH_SCOPES: 'api,ingest,metrics',
      PGTEL_CHAT_BOT_TOKEN: CHAT_TOKEN,
      PGTEL_CHAT_ID: '42',
      PGTEL_CHAT_API_URL: 'http://127.0.0.1:9',
      PGTEL_ALERT_WEBHOOK_URL: `http://alerts:${HOOK_PASSWORD}@127.0.0.1:9/hook`,
      PGTEL_LOG_LEVEL: 'debug',
      PGTEL_SHUTDOWN_DELAY_MS: '0',
    };
    const serve = await spawnServe([], env, 90_000);
    try {
      const auth = { authorization: `Bearer ${TOKEN}` };
      const requests: [string, RequestInit][] = [
        ['/api/health', { headers: auth }],
        ['/api/telemetry-env', { headers: auth }],
        ['/api/telemetry-env', {}],
        ['/api/traces?limit=0', { headers: auth }],
        ['/api/traces?from=nonsense', { headers: { authorization: 'Bearer wrong-token-000000' } }],
        ['/api/workflows/not-a-uuid', { headers: auth }],
        ['/api/alerts/rules', { headers: auth }],
        ['/api/nowhere', { headers: auth }],
        ['/metrics', { headers: auth }],
        ['/metrics', {}],
        ['/readyz?verbose', {}],
        ['/livez', {}],
        ['/startupz', {}],
        ['/', {}],
        [
          '/v1/traces',
          {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/x-protobuf' },
            body: new Uint8Array([0xff, 0x01, 0x02]),
          },
        ],
        [
          '/v1/metrics',
          {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: '{"resourceMetrics":[{',
          },
        ],
        [
          '/api/silences',
          {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: '{"matchers":[]}',
          },
        ],
      ];
      for (const [path, init] of requests) {
        const response = await fetch(`${serve.url}${path}`, init);
        const headers = JSON.stringify([...response.headers]);
        expectNoSecret(`${headers}\n${await response.text()}`, `${init.method ?? 'GET'} ${path}`);
      }
      // A test alert goes to the chat and webhook notifiers, which fail (nothing listens on port 9).
      await fetch(`${serve.url}/api/alerts/test`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: '{}',
      });
    } finally {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    expect(serve.output()).toContain('pgtel serving on');
    expectNoSecret(serve.output(), 'the log of pgtel serve');
  }, 120_000);
});
