import type { Database } from '../../../src/db/Database.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { proxyTo } from '../../helpers/tcpProxy.js';
import { disposeTestDatabase, openTestDatabase, testDatabaseUrl } from '../../helpers/testDatabase.js';

/** A database of `schema` the test can make unreachable: the real server behind a proxy, or an embedded one it closes. */
export async function databaseToLose(
  schema: string,
): Promise<{ db: Database; lose(): Promise<void>; close(): Promise<void> }> {
  if (!testDatabaseUrl) {
    const db = await openTestDatabase();
    let open = true;
    return {
      db,
      lose: async () => {
        open = false;
        await disposeTestDatabase(db);
      },
      close: async () => {
        if (open) await disposeTestDatabase(db);
      },
    };
  }
  const proxy = await proxyTo(testDatabaseUrl);
  const db = await openDatabase({ databaseUrl: proxy.url, schema, poolSize: 2 });
  return {
    db,
    lose: () => proxy.stop(),
    close: async () => {
      await db.close();
      await proxy.stop();
    },
  };
}
