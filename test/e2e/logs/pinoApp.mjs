// An application logging with pino through pino-opentelemetry-transport on its defaults: the
// endpoint and service name come from the standard OTEL_* environment variables.
import pino from 'pino';

const transport = pino.transport({ target: 'pino-opentelemetry-transport' });
const logger = pino(transport);
const closed = new Promise((resolve) => transport.on('close', resolve));
await new Promise((resolve) => transport.on('ready', resolve));

logger.info(
  { trace_id: process.env.TRACE_ID, span_id: process.env.SPAN_ID, trace_flags: '01' },
  'order placed',
);
logger.warn({ 'order.id': 7 }, 'stock low: 3 left');
logger.error('paiement refusé — カード拒否');
logger.flush();
transport.end();
await closed;
