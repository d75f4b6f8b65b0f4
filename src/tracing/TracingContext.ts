import type { AttributeValue, Context, Span } from '@opentelemetry/api';
import { packageVersion } from '../packageVersion.js';
import { activeFallbackFrame, type FallbackFrame, fallbackStore } from './fallbackContext.js';
import { randomSpanId, randomTraceId } from './ids.js';
import { otelApi } from './otelApi.js';

/** Attributes of a span; undefined values are left out. */
export type TracingAttributes = Record<string, AttributeValue | undefined>;
/** The status of a span. */
export type TracingStatus = 'unset' | 'ok' | 'error';
/**
 * What a span stands for (OpenTelemetry's SpanKind): `server` handles a request from a remote
 * caller, `client` calls a remote service, `producer`/`consumer` send and receive messages,
 * `internal` is an operation within the process.
 */
export type TracingSpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** A span to start, for `TracingContext.run(span, fn)`. */
export interface TracingSpanOptions {
  name: string;
  /** Default none. */
  attributes?: TracingAttributes;
  /** Default `internal`. */
  kind?: TracingSpanKind;
}

/** OpenTelemetry's SpanKind numbers. */
const SPAN_KINDS: Record<TracingSpanKind, number> = {
  internal: 0,
  server: 1,
  client: 2,
  producer: 3,
  consumer: 4,
};

interface Scope {
  dispose(): void;
}

const STATUS_CODES: Record<TracingStatus, number> = { unset: 0, ok: 1, error: 2 };

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

/** Makes `context` current for the rest of this async chain, if the global context manager can. */
function attachOtelContext(context: Context): Scope | undefined {
  const api = otelApi?.context as { _getContextManager?: () => unknown } | undefined;
  const manager = api?._getContextManager?.() as { attach?: (context: Context) => Scope } | undefined;
  return typeof manager?.attach === 'function' ? manager.attach(context) : undefined;
}

/**
 * A traced operation: a span that is the active one while the operation runs, so nested contexts,
 * instrumented libraries and `generateCorrelationId()` see it. With OpenTelemetry set up it is an
 * OpenTelemetry span (stored by `setupTracing`'s exporter); without it (not installed, disabled, or
 * no provider) it still has valid ids and nests, and nothing is recorded. Its methods never throw.
 *
 * Callback form: `await TracingContext.run('load orders', { batch: 3 }, async (ctx) => ...)`; an
 * exception is recorded (status error, exception event) and propagates unchanged.
 * `using` form: `using ctx = TracingContext.enter('load orders')`; the span ends with the scope.
 */
export class TracingContext implements Disposable {
  /** 32 lowercase hex characters. */
  readonly traceId: string;
  /** 16 lowercase hex characters. */
  readonly spanId: string;
  /** Span id of the parent, when there is one. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** The OpenTelemetry span, when one is recorded. */
  readonly span: Span | undefined;
  private readonly otelContext: Context | undefined;
  private readonly frame: FallbackFrame | undefined;
  private scope: Scope | undefined;
  private ended = false;

  private constructor(
    name: string,
    attributes: TracingAttributes | undefined,
    kind: TracingSpanKind = 'internal',
  ) {
    this.name = name;
    const api = otelApi;
    if (api) {
      const parent = api.context.active();
      const span = api.trace
        .getTracer('pgtel', packageVersion())
        .startSpan(name, { attributes: attributes ?? {}, kind: SPAN_KINDS[kind] ?? 0 }, parent);
      if (api.isSpanContextValid(span.spanContext())) {
        const parentIds = api.trace.getSpanContext(parent);
        this.span = span;
        this.otelContext = api.trace.setSpan(parent, span);
        this.traceId = span.spanContext().traceId;
        this.spanId = span.spanContext().spanId;
        this.parentSpanId = parentIds && api.isSpanContextValid(parentIds) ? parentIds.spanId : undefined;
        return;
      }
    }
    const parent = activeFallbackFrame();
    this.traceId = parent?.traceId ?? randomTraceId();
    this.spanId = randomSpanId();
    this.parentSpanId = parent?.spanId;
    this.frame = { traceId: this.traceId, spanId: this.spanId, ended: false, previous: parent };
  }

  /**
   * Runs `fn` inside a new active span and ends it when `fn` returns or its promise settles. An
   * exception is recorded on the span and rethrown unchanged. Returns what `fn` returns. The span is
   * named by `name`, or described by `span` (`{ name, attributes, kind }`, kind default `internal`):
   * `TracingContext.run({ name: 'GET /orders/:id', kind: 'server' }, handle)`.
   */
  static run<T>(name: string | TracingSpanOptions, fn: (ctx: TracingContext) => T): T;
  static run<T>(name: string, attributes: TracingAttributes | undefined, fn: (ctx: TracingContext) => T): T;
  static run<T>(
    nameOrSpan: string | TracingSpanOptions,
    attributesOrFn: TracingAttributes | undefined | ((ctx: TracingContext) => T),
    maybeFn?: (ctx: TracingContext) => T,
  ): T {
    const fn = (typeof attributesOrFn === 'function' ? attributesOrFn : maybeFn)!;
    const ctx =
      typeof nameOrSpan === 'string'
        ? new TracingContext(nameOrSpan, typeof attributesOrFn === 'function' ? undefined : attributesOrFn)
        : new TracingContext(nameOrSpan.name, nameOrSpan.attributes, nameOrSpan.kind);
    let result: T;
    try {
      result = ctx.otelContext
        ? otelApi!.context.with(ctx.otelContext, fn, undefined, ctx)
        : fallbackStore.run(ctx.frame!, fn, ctx);
    } catch (error) {
      ctx.recordException(error);
      ctx.end();
      throw error;
    }
    if (!isThenable(result)) {
      ctx.end();
      return result;
    }
    return result.then(
      (value) => {
        ctx.end();
        return value;
      },
      (error: unknown) => {
        ctx.recordException(error);
        ctx.end();
        throw error;
      },
    ) as T;
  }

  /**
   * Starts a span and makes it active for the rest of the current scope, for `using`. In an async
   * function, call it after the first `await` (or use `run`): before it, the span would also become
   * active in the caller. Exceptions are not seen by `using`; record them with `recordException`.
   */
  static enter(name: string, attributes?: TracingAttributes): TracingContext {
    const ctx = new TracingContext(name, attributes);
    if (ctx.otelContext) {
      ctx.scope = attachOtelContext(ctx.otelContext);
    } else {
      const previous = fallbackStore.getStore();
      fallbackStore.enterWith(ctx.frame!);
      ctx.scope = { dispose: () => fallbackStore.enterWith(previous as FallbackFrame) };
    }
    return ctx;
  }

  setAttribute(key: string, value: AttributeValue): this {
    this.span?.setAttribute(key, value);
    return this;
  }

  setAttributes(attributes: TracingAttributes): this {
    this.span?.setAttributes(attributes);
    return this;
  }

  addEvent(name: string, attributes?: TracingAttributes): this {
    this.span?.addEvent(name, attributes);
    return this;
  }

  setStatus(status: TracingStatus, message?: string): this {
    this.span?.setStatus({ code: STATUS_CODES[status] ?? 0, ...(message ? { message } : {}) });
    return this;
  }

  /** Adds an exception event and sets the status to error with the exception's message. */
  recordException(error: unknown): this {
    if (!this.span) return this;
    try {
      const exception = error instanceof Error ? error : String(error);
      this.span.recordException(exception);
      this.setStatus('error', error instanceof Error ? error.message : String(error));
    } catch {
      // An exotic thrown value must not turn into a second error.
    }
    return this;
  }

  /** Ends the span (once; later calls do nothing). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.frame) this.frame.ended = true;
    this.span?.end();
  }

  /** Ends the span and restores the context that was active before `enter`. */
  [Symbol.dispose](): void {
    this.end();
    const scope = this.scope;
    this.scope = undefined;
    scope?.dispose();
  }
}
