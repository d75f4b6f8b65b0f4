import { SeverityNumber } from '@opentelemetry/api-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { type Logging, setupLogging } from '../../../src/logs/setupLogging.js';
import { setupTracing, type Tracing } from '../../../src/tracing/setupTracing.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const silent = createLogger('silent');
let logging: Logging | undefined;
let tracing: Tracing | undefined;

afterEach(async () => {
  await logging?.shutdown();
  await tracing?.shutdown();
  logging = tracing = undefined;
});

interface Row {
  body: string;
  severity_number: number;
  service_name: string;
  attributes: Record<string, unknown>;
  trace_id: string | null;
  span_id: string | null;
}

async function rows(service: string): Promise<Row[]> {
  const { db } = ctx;
  const result = await db.query<Row>(
    `SELECT body, severity_number, service_name, attributes, trace_id, span_id
       FROM ${db.table('logs')} WHERE service_name = $1 ORDER BY time`,
    [service],
  );
  return result.rows;
}

describe('setupLogging', () => {
  it('stores records through the batch processor, with the ids of the active span inside one', async () => {
    tracing = await setupTracing({ serviceName: 'logging-lib', logger: silent });
    logging = await setupLogging({ serviceName: 'logging-lib', db: ctx.db, logger: silent });
    expect(logging.enabled).toBe(true);
    const log = logging.getLogger('checkout', '2.0.0');
    log.emit({ severityNumber: SeverityNumber.INFO, body: 'before the request' });
    let ids: { traceId: string; spanId: string } | undefined;
    tracing.tracer.startActiveSpan('handle order', (span) => {
      log.emit({ severityNumber: SeverityNumber.ERROR, body: 'card declined', attributes: { card: 'visa' } });
      ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId };
      span.end();
    });
    // forceFlush resolves once the COPY committed: the rows are there at once.
    await logging.forceFlush();
    expect(await rows('logging-lib')).toEqual([
      expect.objectContaining({
        body: 'before the request',
        severity_number: 9,
        trace_id: null,
        span_id: null,
      }),
      expect.objectContaining({
        body: 'card declined',
        severity_number: 17,
        attributes: { card: 'visa' },
        trace_id: ids!.traceId,
        span_id: ids!.spanId,
      }),
    ]);
    expect(logging.stats()).toMatchObject({ exported: 2, failed: 0 });
  });

  it('emits into nothing when disabled, and stores nothing', async () => {
    logging = await setupLogging({ serviceName: 'logging-off', db: ctx.db, disabled: true, logger: silent });
    expect(logging.enabled).toBe(false);
    logging.logger.emit({ body: 'dropped' });
    await logging.forceFlush();
    expect(await rows('logging-off')).toEqual([]);
  });
});
