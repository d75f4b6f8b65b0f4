import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { databaseCheck } from '../../../src/health/checks/databaseCheck.js';
import { HealthChecker } from '../../../src/health/HealthChecker.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { TcpProxy } from '../../helpers/tcpProxy.js';
import { onRealServer, testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

describe.skipIf(!onRealServer)('database stopped, then back', () => {
  it('readiness fails while the database is unreachable and recovers when it returns', async () => {
    const target = new URL(testDatabaseUrl!);
    const relay = new TcpProxy(target.hostname, Number(target.port || 5432));
    await relay.start();
    const url = new URL(target);
    url.host = `127.0.0.1:${relay.port}`;
    const db = await openDatabase({ databaseUrl: url.toString(), schema: uniqueSchema() });
    const clock = new ManualClock();
    const checker = new HealthChecker({ clock, probeDeadlineMs: 10_000 });
    checker.addCheck(databaseCheck(db, { timeoutMs: 5_000 }));
    try {
      expect(await checker.readiness()).toMatchObject({ healthy: true, message: 'All dependencies healthy' });
      await relay.stop();
      // Let the pool notice its dead idle connection first: node-postgres throws an uncaught
      // "Connection terminated unexpectedly" when a checked-out client's socket dies between queries.
      for (let i = 0; i < 200 && db.poolStats().total > 0; i++) await new Promise((r) => setTimeout(r, 5));
      clock.advance(2_000);
      const down = await checker.readiness();
      expect(down).toMatchObject({ healthy: false, message: 'Dependencies unhealthy: database' });
      expect(down.details.checks.database).toMatchObject({ message: 'Connection failed' });
      expect(JSON.stringify(down)).not.toContain(target.password || '\0');
      await relay.start();
      clock.advance(2_000);
      expect(await checker.readiness()).toMatchObject({ healthy: true, message: 'All dependencies healthy' });
    } finally {
      await db.close();
      await relay.stop();
    }
  });
});
