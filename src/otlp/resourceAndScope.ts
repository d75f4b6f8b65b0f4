import { keyValuesToAttributes } from './anyValue.js';
import type { OtlpResource, OtlpScope } from './otlpModel.js';
import type { RawResource, RawScope } from './rawOtlp.js';

/** The resource of a ResourceSpans / ResourceMetrics envelope. */
export function toResource(
  raw: RawResource | null | undefined,
  schemaUrl: string | null | undefined,
): OtlpResource {
  const attributes = keyValuesToAttributes(raw?.attributes);
  const serviceName = attributes['service.name'];
  return {
    attributes,
    serviceName: typeof serviceName === 'string' ? serviceName : 'unknown_service',
    droppedAttributesCount: raw?.droppedAttributesCount ?? 0,
    schemaUrl: schemaUrl ?? '',
  };
}

/** The instrumentation scope of a ScopeSpans / ScopeMetrics envelope. */
export function toScope(raw: RawScope | null | undefined, schemaUrl: string | null | undefined): OtlpScope {
  return {
    name: raw?.name ?? '',
    version: raw?.version ?? '',
    attributes: keyValuesToAttributes(raw?.attributes),
    droppedAttributesCount: raw?.droppedAttributesCount ?? 0,
    schemaUrl: schemaUrl ?? '',
  };
}
