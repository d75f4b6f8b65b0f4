import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { spawnServe } from '../helpers/serveProcess.js';
import { createExampleStore, runExample } from './exampleProcess.js';

const store = createExampleStore();
afterAll(() => store.dispose());

interface CollectorConfig {
  exporters: Record<
    string,
    { endpoint: string; headers?: Record<string, string>; tls?: { insecure?: boolean }; compression?: string }
  >;
  service: { pipelines: Record<string, { receivers: string[]; processors: string[]; exporters: string[] }> };
}

describe('examples/otlp-service', () => {
  it('ships a collector configuration whose pipelines export traces and metrics to pgtel over OTLP/gRPC, HTTP beside', () => {
    const config = parse(
      readFileSync(new URL('../../examples/otlp-service/otel-collector.yaml', import.meta.url), 'utf8'),
    ) as CollectorConfig;
    const http = config.exporters['otlphttp/pgtel'];
    // otlphttp appends /v1/traces and /v1/metrics, the paths pgtel serves; default port 4318.
    expect(http?.endpoint).toMatch(/^http:\/\/[^/]+:4318$/);
    const grpc = config.exporters['otlp/pgtel'];
    // The otlp exporter takes host:port; pgtel's OTLP/gRPC default port is 4317, plain (no TLS).
    expect(grpc?.endpoint).toMatch(/^[^/:]+:4317$/);
    expect(grpc?.tls?.insecure).toBe(true);
    expect(grpc?.compression).toBe('gzip');
    for (const exporter of [http, grpc]) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the collector's own ${env:...} syntax
      expect(exporter?.headers?.authorization).toBe('Bearer ${env:PGTEL_API_TOKEN}');
    }
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['metrics', 'traces']);
    for (const pipeline of Object.values(config.service.pipelines)) {
      expect(pipeline.exporters).toEqual(['otlp/pgtel']);
    }
    // pgtel turns cumulative points into deltas itself: the Collector's core distribution suffices.
    expect(config.service.pipelines.metrics?.processors).not.toContain('cumulativetodelta');
  });

  it('stores what an OpenTelemetry SDK service sends to pgtel serve with its OTLP exporters', async () => {
    const token = 'example-ingest-token';
    const serve = await spawnServe(
      [],
      {
        ...store.env,
        PGTEL_API_TOKEN: token,
        PGTEL_SHUTDOWN_DELAY_MS: '0',
      },
      150_000,
    ); // a first start of an embedded database is slow on a busy machine
    try {
      const service = await runExample('examples/otlp-service/service.mjs', {
        OTEL_SERVICE_NAME: 'inventory',
        OTEL_EXPORTER_OTLP_ENDPOINT: serve.url.replace(/\/$/, ''),
        OTEL_EXPORTER_OTLP_HEADERS: `authorization=Bearer ${token}`,
      });
      expect(service.output).toContain('3 reservations sent');
      expect(service.code).toBe(0);
    } finally {
      serve.child.kill('SIGTERM');
    }
    expect(await serve.exited).toBe(0);

    const db = await store.open();
    try {
      const spans = await db.query<{
        operation_name: string;
        status: string;
        kind: string;
        parent: string | null;
      }>(
        `SELECT s.operation_name, s.status, s.kind, p.operation_name AS parent FROM ${db.table('spans')} s
           LEFT JOIN ${db.table('spans')} p ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
          WHERE s.service_name = 'inventory' ORDER BY s.start_time`,
      );
      expect(spans.rows.filter((s) => s.operation_name === 'reserve').map((s) => s.status)).toEqual([
        'unset',
        'unset',
        'error',
      ]);
      expect(spans.rows.filter((s) => s.operation_name === 'SELECT stock').map((s) => s.parent)).toEqual([
        'reserve',
        'reserve',
        'reserve',
      ]);

      const reserved = await db.query<{ sku: string; items: number }>(
        `SELECT labels->>'sku' AS sku, sum(metric_value)::int AS items FROM ${db.table('metrics')}
          WHERE metric_name = 'inventory.items_reserved' GROUP BY 1 ORDER BY 1`,
      );
      expect(reserved.rows).toEqual([
        { sku: 'coffee', items: 1 },
        { sku: 'tea', items: 2 },
      ]);
      const latency = await db.query<{ n: number }>(
        `SELECT sum(sample_count)::int AS n FROM ${db.table('metrics')}
          WHERE metric_name = 'inventory.reserve.duration'`,
      );
      expect(latency.rows[0]!.n).toBe(3);
    } finally {
      await db.close();
    }
  }, 300_000);
});
