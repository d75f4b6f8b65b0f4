import type { OtlpSpan } from '../otlp/otlpModel.js';
import type { SpanRow } from './SpanRow.js';

/** ISO-8601 UTC with microseconds from exact epoch nanoseconds. */
export function unixNanoToIso(nanos: bigint): string {
  const millis = nanos / 1_000_000n;
  const micros = ((nanos / 1000n) % 1_000_000n).toString().padStart(6, '0');
  return `${new Date(Number(millis)).toISOString().slice(0, 19)}.${micros}Z`;
}

/** Maps a span received over OTLP to a `spans` row, the same shape the exporter writes (pure). */
export function otlpSpanToRow(span: OtlpSpan): SpanRow {
  const durationNanos = span.endTimeUnixNano - span.startTimeUnixNano;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    traceState: span.traceState || null,
    operationName: span.name,
    kind: span.kind === 'unspecified' ? 'internal' : span.kind,
    serviceName: span.resource.serviceName,
    startTime: unixNanoToIso(span.startTimeUnixNano),
    endTime: unixNanoToIso(span.endTimeUnixNano),
    durationMs: durationNanos > 0n ? Number(durationNanos) / 1e6 : 0,
    status: span.status.code,
    statusMessage: span.status.message || null,
    attributes: span.attributes,
    events: span.events.map((event) => ({
      name: event.name,
      time: unixNanoToIso(event.timeUnixNano),
      attributes: event.attributes,
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      ...(link.traceState ? { traceState: link.traceState } : {}),
      attributes: link.attributes,
      droppedAttributesCount: link.droppedAttributesCount,
    })),
    resource: span.resource.attributes,
    scope: {
      name: span.scope.name,
      ...(span.scope.version ? { version: span.scope.version } : {}),
      ...(span.scope.schemaUrl ? { schemaUrl: span.scope.schemaUrl } : {}),
    },
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
