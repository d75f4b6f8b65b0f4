import type { SpanRow } from '../../src/tracing/SpanRow.js';

/** A service name long enough to crowd the operation names of a waterfall. */
export const LONG_SERVICE = 'checkout-orchestration-service-eu-west-1-production';
const SERVICES = ['web-frontend', LONG_SERVICE, 'payments', 'inventory-db'];
const OPERATIONS = [
  'GET /checkout',
  'checkout.validate-cart-and-reserve-stock',
  'charge card',
  'SELECT stock',
];
/** Children per span: the tree of 5,000 spans is 7 levels deep. */
const FAN_OUT = 4;
export const STACK_TRACE = [
  'Error: card declined',
  '    at charge (/app/payments.js:10:11)',
  '    at checkout (/app/checkout.js:42:5)',
].join('\n');

function iso(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** The span id of the `index`th span of a synthetic trace. */
export function syntheticSpanId(index: number): string {
  return (index + 1).toString(16).padStart(16, '0');
}

/**
 * A trace of `count` spans starting at `startMs`: a tree where span i's parent is (i - 1) / 4, each
 * child a fifth of its parent's time, services by depth, one error span with a multi-line stack trace
 * (span 2, when there is one). Deterministic.
 */
export function syntheticTrace(traceId: string, count: number, startMs: number, rootMs = 1800): SpanRow[] {
  const spans: SpanRow[] = [];
  const timing: { start: number; ms: number; depth: number }[] = [];
  for (let i = 0; i < count; i++) {
    const parent = i === 0 ? -1 : Math.floor((i - 1) / FAN_OUT);
    const slot = i === 0 ? 0 : (i - 1) % FAN_OUT;
    const of = timing[parent];
    const at = of
      ? { start: of.start + of.ms * (0.02 + slot * 0.1), ms: of.ms * 0.4, depth: of.depth + 1 }
      : { start: startMs, ms: rootMs, depth: 0 };
    timing.push(at);
    const error = i === 2;
    spans.push({
      traceId,
      spanId: syntheticSpanId(i),
      parentSpanId: parent === -1 ? null : syntheticSpanId(parent),
      traceState: null,
      operationName: `${OPERATIONS[at.depth % OPERATIONS.length]}${i > 0 ? ` #${i}` : ''}`,
      kind: i === 0 ? 'server' : 'internal',
      serviceName: SERVICES[at.depth % SERVICES.length]!,
      startTime: iso(at.start),
      endTime: iso(at.start + at.ms),
      durationMs: at.ms,
      status: error ? 'error' : 'ok',
      statusMessage: error ? 'card declined' : null,
      attributes: { 'synthetic.index': i },
      events: error
        ? [
            {
              name: 'exception',
              time: iso(at.start + at.ms / 2),
              attributes: { 'exception.message': 'card declined', 'exception.stacktrace': STACK_TRACE },
              droppedAttributesCount: 0,
            },
          ]
        : [],
      links: [],
      resource: { 'service.name': SERVICES[at.depth % SERVICES.length]! },
      scope: { name: 'synthetic' },
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
    });
  }
  return spans;
}
