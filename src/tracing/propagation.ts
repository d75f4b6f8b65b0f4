import { activeSpanContext } from './activeSpanContext.js';
import { activeFallbackFrame, fallbackStore } from './fallbackContext.js';
import { otelApi, tracerProviderRegistered } from './otelApi.js';
import {
  formatTraceparent,
  parseTraceparent,
  parseTracestate,
  type RemoteSpanContext,
} from './traceparent.js';

/** HTTP headers as Node (`IncomingHttpHeaders`), fetch (`Headers`) or a plain object give them. */
export type HeaderCarrier =
  | { get(name: string): string | null | undefined }
  | Record<string, string | string[] | number | undefined>;

function readHeader(carrier: HeaderCarrier, name: string): string | string[] | undefined {
  if (typeof carrier.get === 'function')
    return (carrier.get as (n: string) => string | null)(name) ?? undefined;
  const record = carrier as Record<string, unknown>;
  const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return typeof value === 'string' || Array.isArray(value) ? (value as string | string[]) : undefined;
}

/**
 * The span context in W3C `traceparent` / `tracestate` headers, or undefined when they are absent
 * or invalid (never an error). Repeated `traceparent` headers are invalid; `tracestate` ones are joined.
 */
export function extractTraceContext(carrier: HeaderCarrier | undefined): RemoteSpanContext | undefined {
  if (!carrier) return undefined;
  const parent = readHeader(carrier, 'traceparent');
  if (Array.isArray(parent) && parent.length !== 1) return undefined;
  const context = parseTraceparent(Array.isArray(parent) ? parent[0] : parent);
  if (!context) return undefined;
  const state = readHeader(carrier, 'tracestate');
  const traceState = parseTracestate(Array.isArray(state) ? state.join(',') : state);
  return traceState ? { ...context, traceState } : context;
}

/**
 * Writes `traceparent` (and `tracestate`) for the active span into `headers` (a plain object or a
 * fetch `Headers`; default a new object) and returns it; without an active span it is left unchanged.
 */
export function injectTraceContext(): Record<string, string>;
export function injectTraceContext<H extends Record<string, string> | Headers>(headers: H): H;
export function injectTraceContext(
  headers: Record<string, string> | Headers = {},
): Record<string, string> | Headers {
  const span = otelApi?.trace.getActiveSpan()?.spanContext();
  const ids = activeSpanContext();
  if (!ids) return headers;
  const traceFlags = span && span.traceId === ids.traceId ? span.traceFlags : 1;
  const values: Record<string, string> = { traceparent: formatTraceparent({ ...ids, traceFlags }) };
  const traceState = span?.traceState?.serialize();
  if (traceState) values.tracestate = traceState;
  for (const [name, value] of Object.entries(values)) {
    if (headers instanceof Headers) headers.set(name, value);
    else (headers as Record<string, string>)[name] = value;
  }
  return headers;
}

/**
 * Runs `fn` with a remote span (from `extractTraceContext`, or headers to extract it from) as the
 * parent of spans started inside, so the trace (and `generateCorrelationId()`) continues across
 * services. With no valid remote context `fn` simply runs.
 */
export function withRemoteParent<T>(remote: RemoteSpanContext | HeaderCarrier | undefined, fn: () => T): T {
  const context =
    remote && typeof (remote as RemoteSpanContext).traceId === 'string'
      ? (remote as RemoteSpanContext)
      : extractTraceContext(remote as HeaderCarrier | undefined);
  if (!context) return fn();
  const api = otelApi;
  if (api && tracerProviderRegistered()) {
    const spanContext = {
      traceId: context.traceId,
      spanId: context.spanId,
      traceFlags: context.traceFlags,
      isRemote: true,
      ...(context.traceState ? { traceState: api.createTraceState(context.traceState) } : {}),
    };
    return api.context.with(api.trace.setSpanContext(api.context.active(), spanContext), fn);
  }
  const frame = {
    traceId: context.traceId,
    spanId: context.spanId,
    ended: false,
    previous: activeFallbackFrame(),
  };
  return fallbackStore.run(frame, fn);
}
