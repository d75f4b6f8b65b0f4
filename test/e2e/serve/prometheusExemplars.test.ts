import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../helpers/eventually.js';
import { hasBinary } from '../../helpers/peers.js';
import { type RunningPrometheus, startPrometheus } from '../../helpers/prometheus.js';
import { useTestServer } from '../../helpers/testServer.js';

const ctx = useTestServer();
const tracer = new BasicTracerProvider({ sampler: new AlwaysOnSampler() }).getTracer('checkout');
let prometheus: RunningPrometheus | undefined;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  context.disable();
  await prometheus?.stop();
});

/** Records a slow checkout inside a sampled span, then flushes: exemplars must outlive the flush. */
async function recordSlowCheckout(): Promise<string> {
  const collector = ctx.server.metrics.collector;
  const latency = collector.createHistogram('shop.checkout_ms', { unit: 'ms', buckets: [100, 250, 500] });
  const orders = collector.createCounter('shop.orders');
  for (let i = 0; i < 50; i++) latency.record(20 + i);
  const traceId = tracer.startActiveSpan('checkout', (span) => {
    latency.record(231.5);
    orders.add(1);
    span.end();
    return span.spanContext().traceId;
  });
  await collector.flush();
  return traceId;
}

describe('exemplars in the OpenMetrics exposition', () => {
  it('answers OpenMetrics with exemplars when asked, Prometheus 0.0.4 text otherwise', async () => {
    const traceId = await recordSlowCheckout();
    const url = `${ctx.server.url}/metrics`;
    const om = await fetch(url, { headers: { accept: 'application/openmetrics-text; version=1.0.0' } });
    expect(om.headers.get('content-type')).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const text = await om.text();
    expect(text).toMatch(
      new RegExp(
        `^shop_checkout_ms_bucket\\{le="250"\\} 51 # \\{trace_id="${traceId}",span_id="[0-9a-f]{16}"\\} 231.5 \\d+\\.\\d{3}$`,
        'm',
      ),
    );
    expect(text).toMatch(new RegExp(`^shop_orders_total 1 # \\{trace_id="${traceId}",`, 'm'));
    expect(text).toContain('# TYPE shop_orders counter\n');
    expect(text.endsWith('# EOF\n')).toBe(true);

    const plain = await fetch(url);
    expect(plain.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await plain.text()).not.toMatch(/trace_id|# EOF/);
  });

  it.runIf(hasBinary('prometheus'))(
    'are stored by a real Prometheus with exemplar storage',
    async () => {
      const traceId = await recordSlowCheckout();
      const peer = await startPrometheus(new URL(ctx.server.url).host, ['--enable-feature=exemplar-storage']);
      prometheus = peer;
      const start = Math.floor(Date.now() / 1000) - 600;
      const exemplars = await eventually(
        async () => {
          const query = encodeURIComponent('shop_checkout_ms_bucket');
          const response = await fetch(
            `${peer.url}/api/v1/query_exemplars?query=${query}&start=${start}&end=${start + 1200}`,
          ).catch(() => undefined);
          if (!response?.ok) return undefined;
          const body = (await response.json()) as {
            data: {
              seriesLabels: Record<string, string>;
              exemplars: { labels: Record<string, string>; value: string }[];
            }[];
          };
          const found = body.data.flatMap((s) => s.exemplars.map((e) => ({ series: s.seriesLabels, ...e })));
          return found.length > 0 ? found : undefined;
        },
        `exemplars in Prometheus\n${peer.output()}`,
        30_000,
      );
      expect(exemplars).toContainEqual(
        expect.objectContaining({
          series: expect.objectContaining({ le: '250' }),
          labels: expect.objectContaining({ trace_id: traceId }),
          value: '231.5',
        }),
      );
    },
    60_000,
  );
});
