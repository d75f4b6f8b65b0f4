import { AsyncLocalStorage } from 'node:async_hooks';

/** Ids of a span when no OpenTelemetry SDK records it (not installed, disabled, or not set up). */
export interface FallbackFrame {
  readonly traceId: string;
  readonly spanId: string;
  /** Set when the span ends; an ended frame is never the active one. */
  ended: boolean;
  readonly previous: FallbackFrame | undefined;
}

/** Frames of pgtel's degraded mode, so nesting and correlation ids still work without OpenTelemetry. */
export const fallbackStore = new AsyncLocalStorage<FallbackFrame>();

/**
 * The innermost frame that has not ended. Skipping ended frames undoes the leak of `enterWith`
 * into a caller's context (the `using` form in an async function).
 */
export function activeFallbackFrame(): FallbackFrame | undefined {
  let frame = fallbackStore.getStore();
  while (frame?.ended) frame = frame.previous;
  return frame;
}
