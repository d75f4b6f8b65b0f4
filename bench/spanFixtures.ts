import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';

export const benchResource = resourceFromAttributes({ 'service.name': 'bench' });

/** Finished SDK spans with a few typical attributes, as an application produces them. */
export function makeSpans(count: number): ReadableSpan[] {
  const spans: ReadableSpan[] = [];
  const provider = new BasicTracerProvider({
    resource: benchResource,
    spanProcessors: [
      {
        onStart: () => {},
        onEnd: (s) => spans.push(s),
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  });
  const tracer = provider.getTracer('bench');
  for (let i = 0; i < count; i++) {
    tracer
      .startSpan(`op-${i % 20}`, {
        attributes: { 'http.method': 'GET', 'http.status_code': 200, i, route: `/r/${i % 50}` },
      })
      .end();
  }
  return spans;
}
