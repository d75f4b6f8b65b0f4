// A service that knows nothing about pgtel: it uses the plain OpenTelemetry SDK and its OTLP/HTTP
// exporters, configured by the standard OTEL_* environment variables, exactly as a Go, Python or Java
// service would be. Point OTEL_EXPORTER_OTLP_ENDPOINT at `pgtel serve` or at a collector in front of it.
import { metrics, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

// service.name from OTEL_SERVICE_NAME; endpoint and headers from OTEL_EXPORTER_OTLP_ENDPOINT / _HEADERS.
const resource = resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'inventory' });
const tracerProvider = new NodeTracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
});
tracerProvider.register();
const meterProvider = new MeterProvider({
  resource,
  readers: [
    new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 60_000 }),
  ],
});
metrics.setGlobalMeterProvider(meterProvider);

const tracer = trace.getTracer('inventory');
const meter = metrics.getMeter('inventory');
const reserved = meter.createCounter('inventory.items_reserved', { description: 'Items reserved' });
const latency = meter.createHistogram('inventory.reserve.duration', { unit: 'ms' });

async function reserve(sku, quantity) {
  return tracer.startActiveSpan('reserve', { attributes: { sku, quantity } }, async (span) => {
    const started = performance.now();
    try {
      await tracer.startActiveSpan('SELECT stock', async (query) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        query.end();
      });
      if (quantity > 10) throw new Error(`not enough ${sku} in stock`);
      reserved.add(quantity, { sku });
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    } finally {
      latency.record(performance.now() - started, { sku });
      span.end();
    }
  });
}

await reserve('tea', 2);
await reserve('coffee', 1);
await reserve('tea', 50);

// Export everything before exiting (a long-running service exports periodically instead).
await tracerProvider.shutdown();
await meterProvider.shutdown();
console.log('inventory: 3 reservations sent');
