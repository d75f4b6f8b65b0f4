import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';
import { OwnLogStore } from '../../../src/logs/OwnLogStore.js';
import { eventually } from '../../helpers/eventually.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';
import { startTestServer, stopTestServer } from '../../helpers/testServer.js';

const test = useTestDatabase();
const stores: OwnLogStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
});

function storeWith(options: Partial<ConstructorParameters<typeof OwnLogStore>[0]> = {}) {
  const lines: string[] = [];
  const store = new OwnLogStore({
    db: test.db,
    inner: createLogger('debug', (line) => lines.push(line)),
    level: 'info',
    flushIntervalMs: 60_000,
    ...options,
  });
  stores.push(store);
  return { store, lines };
}

interface StoredLine {
  body: string;
  severity_number: number;
  severity_text: string;
  attributes: Record<string, unknown>;
  scope: { name: string };
}

async function storedLines(marker: string): Promise<StoredLine[]> {
  const { db } = test;
  const { rows } = await db.query<StoredLine>(
    `SELECT body, severity_number, severity_text, attributes, scope FROM ${db.table('logs')}
      WHERE service_name = 'pgtel' AND body LIKE $1 ORDER BY time`,
    [`%${marker}%`],
  );
  return rows;
}

describe('OwnLogStore', () => {
  it('stores each line from its level up as service pgtel, redacted, and still writes every line to the inner logger', async () => {
    const { store, lines } = storeWith();
    store.logger.debug('own-a debug detail');
    store.logger.info('own-a listening', { port: 4318, url: 'postgres://app:hunter2@db/pgtel' });
    store.logger.warn('own-a slow query', { ms: 812.5, retried: true });
    store.logger.error('own-a write failed', { error: new Error('boom') });
    await store.flush();
    expect(lines).toHaveLength(4);
    const stored = await storedLines('own-a');
    expect(stored.map((r) => [r.body, r.severity_number, r.severity_text])).toEqual([
      ['own-a listening', 9, 'INFO'],
      ['own-a slow query', 13, 'WARN'],
      ['own-a write failed', 17, 'ERROR'],
    ]);
    expect(stored[0]!.attributes).toEqual({ port: 4318, url: 'postgres://app:***@db/pgtel' });
    expect(stored[1]!.attributes).toEqual({ ms: 812.5, retried: true });
    expect(stored[2]!.attributes).toEqual({ error: 'boom' });
    expect(stored[0]!.scope.name).toBe('pgtel');
    expect(store.stats()).toEqual({ stored: 3, dropped: 0 });
  });

  it('keeps two identical lines of the same moment as two records', async () => {
    const { store } = storeWith();
    store.logger.info('own-b tick');
    store.logger.info('own-b tick');
    await store.flush();
    expect(await storedLines('own-b')).toHaveLength(2);
  });

  it('holds at most `capacity` lines between writes and counts the ones it drops', async () => {
    const { store, lines } = storeWith({ capacity: 3 });
    for (let i = 0; i < 5; i++) store.logger.info(`own-c line ${i}`);
    await store.flush();
    expect((await storedLines('own-c')).map((r) => r.body)).toEqual([
      'own-c line 0',
      'own-c line 1',
      'own-c line 2',
    ]);
    expect(store.stats()).toEqual({ stored: 3, dropped: 2 });
    expect(lines).toHaveLength(5);
  });

  it('reports a failed write once on the inner logger only, never storing its own complaint', async () => {
    const { db } = test;
    const { store, lines } = storeWith();
    // The table away: every write fails, as in an outage.
    await db.exec(`ALTER TABLE ${db.table('logs')} RENAME TO logs_away`);
    try {
      store.logger.info('own-d first');
      await store.flush();
      store.logger.info('own-d second');
      await store.flush();
    } finally {
      await db.exec(`ALTER TABLE ${db.table('logs_away')} RENAME TO logs`);
    }
    await store.flush(); // nothing queued: the complaint was not queued as a record
    expect(store.stats()).toEqual({ stored: 0, dropped: 2 });
    const complaints = lines.filter((l) => l.includes('own log records not stored'));
    expect(complaints).toHaveLength(1);
    expect(complaints[0]).toMatch(/logs/);
    expect(await storedLines('own log records')).toEqual([]);
  });

  it('stores nothing logged after close', async () => {
    const { store } = storeWith();
    await store.close();
    store.logger.info('own-e after close');
    await store.flush();
    expect(await storedLines('own-e')).toEqual([]);
  });
});

describe('pgtel serve with storeOwnLogs', () => {
  it('is off by default, and refuses a value that is not true or false', () => {
    expect(resolveConfig({}, {}).storeOwnLogs).toBe(false);
    expect(resolveConfig({}, { PGTEL_STORE_OWN_LOGS: 'TRUE' }).storeOwnLogs).toBe(true);
    expect(() => resolveConfig({}, { PGTEL_STORE_OWN_LOGS: 'yes' })).toThrow(
      /PGTEL_STORE_OWN_LOGS must be true or false \(got "yes"\)/,
    );
  });

  it('stores its own log lines in its logs table as service pgtel', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pgtel-own-logs-'));
    const rulesFile = join(dir, 'rules.yaml');
    await writeFile(rulesFile, 'groups: []\n');
    const server = await startTestServer({ storeOwnLogs: true, rulesFile, logLevel: 'info' });
    try {
      await server.reloadRules();
      const row = await eventually(async () => {
        const { rows } = await server.db.query<{ body: string; attributes: { file: string } }>(
          `SELECT body, attributes FROM ${server.db.table('logs')}
            WHERE service_name = 'pgtel' AND body = 'alert rules reloaded'`,
        );
        return rows[0];
      }, 'the stored log line');
      expect(row.attributes.file).toBe(rulesFile);
    } finally {
      await stopTestServer(server);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
