import type { CollectorStats } from '../src/metrics/MetricsCollector.js';
import type { SpanExporterStats } from '../src/tracing/PostgreSQLSpanProcessor.js';

/** What one application process of the soak produced and what its library queues counted. */
export interface AppReport {
  proc: string;
  spans: { produced: number; stats: SpanExporterStats };
  metricRows: { produced: number; stats: CollectorStats };
  workflowOps: { produced: number; acknowledged: number; givenUp: Record<string, number> };
  maxRssBytes: number;
  maxHeapBytes: number;
  maxSpanQueue: number;
  maxMetricPending: number;
  bounds: { spanQueue: number; metricQueue: number };
}

/** What the OTLP load generator sent and how pgtel answered. */
export interface LoadReport {
  requests: number;
  /** Responses by outcome: `200`, `partial`, `retry-503`, `network` (reset, refused, timeout)... */
  responses: Record<string, number>;
  spans: { sent: number; accepted: number; rejected: number; givenUp: Record<string, number> };
  points: { sent: number; accepted: number; rejected: number; givenUp: Record<string, number> };
  /** Requests retried after an answer that left their fate unknown (reset, timeout). */
  ambiguousRetries: number;
}
