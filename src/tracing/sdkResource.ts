import type { AttributeValue } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';

/**
 * The resource pgtel's SDK setups (tracing, logging) give their telemetry: the SDK's defaults, then
 * `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME`, then `attributes`, then `serviceName`; with the
 * service name it ends up with (`unknown_service` if none).
 */
export function sdkResource(
  resources: typeof import('@opentelemetry/resources'),
  serviceName: string | undefined,
  attributes: Record<string, AttributeValue> | undefined,
): { resource: Resource; serviceName: string } {
  const resource = resources
    .defaultResource()
    .merge(resources.detectResources({ detectors: [resources.envDetector] }))
    .merge(
      resources.resourceFromAttributes({
        ...attributes,
        ...(serviceName ? { 'service.name': serviceName } : {}),
      }),
    );
  return { resource, serviceName: String(resource.attributes['service.name'] ?? 'unknown_service') };
}
