import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
const app = fileURLToPath(new URL('./pinoApp.mjs', import.meta.url));
const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_ID = 'eee19b7ec3c1b174';

interface Row {
  severity_number: number;
  severity_text: string | null;
  body: string;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
}

describe('pino through pino-opentelemetry-transport into pgtel serve', () => {
  it('stores every line with its level, fields and trace context', async () => {
    const service = 'pino-app';
    await promisify(execFile)(process.execPath, [app], {
      env: {
        ...process.env,
        OTEL_EXPORTER_OTLP_ENDPOINT: ctx.server.url,
        OTEL_SERVICE_NAME: service,
        TRACE_ID,
        SPAN_ID,
      },
      timeout: 30_000,
    });
    const { db } = ctx.server;
    const rows = await eventually(async () => {
      const result = await db.query<Row>(
        `SELECT severity_number, severity_text, body, attributes, trace_id, span_id
           FROM ${db.table('logs')} WHERE service_name = $1 ORDER BY severity_number`,
        [service],
      );
      return result.rows.length === 3 ? result.rows : undefined;
    }, 'the pino lines to be stored');
    expect(rows).toEqual([
      expect.objectContaining({
        severity_number: 9,
        body: 'order placed',
        trace_id: TRACE_ID,
        span_id: SPAN_ID,
      }),
      expect.objectContaining({ severity_number: 13, body: 'stock low: 3 left', trace_id: null }),
      expect.objectContaining({ severity_number: 17, body: 'paiement refusé — カード拒否' }),
    ]);
    expect(rows[1]!.attributes).toMatchObject({ 'order.id': 7 });
  }, 60_000);
});
