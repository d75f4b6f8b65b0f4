import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl, uniqueSchema } from '../../helpers/testDatabase.js';

const dist = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));

// An application with console capture on: it logs through console inside and outside a span, shuts
// logging down, checks the console is its own again, and prints what was stored (its own database:
// a schema on the real server, or an in-memory PGlite only it can read).
const script = `
const { openDatabase, migrate, setupTracing, setupLogging } = await import(${JSON.stringify(dist)});
const db = await openDatabase({ databaseUrl: process.env.DB_URL || undefined, dataDir: 'memory://', schema: process.env.SCHEMA });
await migrate(db);
const originalLog = console.log;
const tracing = await setupTracing({ serviceName: 'console-app' });
const logging = await setupLogging({ serviceName: 'console-app', db, captureConsole: true });
console.log('order %d placed', 42, { total: 9.5 });
let ids;
tracing.tracer.startActiveSpan('checkout', (span) => {
  console.error('card declined — カード拒否');
  ids = span.spanContext();
  span.end();
});
console.warn('stock low');
console.info('done');
console.debug('detail');
await logging.shutdown();
console.log('after shutdown, not stored');
const restored = console.log === originalLog;
const { rows } = await db.query(
  \`SELECT severity_number, severity_text, body, attributes, trace_id, span_id FROM \${db.table('logs')}
    WHERE service_name = 'console-app' ORDER BY severity_number, body\`);
await tracing.shutdown();
if (process.env.DB_URL) await db.exec(\`DROP SCHEMA \${process.env.SCHEMA} CASCADE\`);
await db.close();
process.stdout.write('\\nRESULT ' + JSON.stringify({ restored, rows, traceId: ids.traceId, spanId: ids.spanId }) + '\\n');
`;

describe('setupLogging with captureConsole', () => {
  it('stores console calls with severity and trace context, still prints them, and restores the console on shutdown', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', script],
      {
        env: { ...process.env, DB_URL: testDatabaseUrl ?? '', SCHEMA: uniqueSchema('console') },
        timeout: 120_000,
      },
    );
    // Printed as before, on the stream of each method.
    expect(stdout).toContain('order 42 placed { total: 9.5 }');
    expect(stdout).toContain('after shutdown, not stored');
    expect(stderr).toContain('card declined — カード拒否');
    expect(stderr).toContain('stock low');
    const result = JSON.parse(stdout.split('\nRESULT ')[1]!);
    expect(result.restored).toBe(true);
    expect(result.rows).toEqual([
      expect.objectContaining({ severity_number: 5, severity_text: 'DEBUG', body: 'detail' }),
      expect.objectContaining({ severity_number: 9, severity_text: 'INFO', body: 'done' }),
      expect.objectContaining({
        severity_number: 9,
        severity_text: 'INFO',
        body: 'order 42 placed { total: 9.5 }',
        trace_id: null,
      }),
      expect.objectContaining({ severity_number: 13, severity_text: 'WARN', body: 'stock low' }),
      expect.objectContaining({
        severity_number: 17,
        severity_text: 'ERROR',
        body: 'card declined — カード拒否',
        trace_id: result.traceId,
        span_id: result.spanId,
      }),
    ]);
    expect(result.rows[0].attributes).toEqual({ 'log.source': 'console' });
  }, 180_000);
});
