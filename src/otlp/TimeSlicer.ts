import { setImmediate as nextTurn } from 'node:timers/promises';

/** Default longest stretch of decoding work between two turns of the event loop, ms. */
export const DEFAULT_SLICE_MS = 20;

/**
 * Cuts long CPU work into slices so the event loop keeps turning (probes, other requests): the work
 * checks `due()` often and, when it is, awaits `pause()`, which lets pending I/O run first.
 *
 * ```ts
 * for (const item of items) { handle(item); if (slicer.due()) await slicer.pause(); }
 * ```
 */
export class TimeSlicer {
  private sliceStart = performance.now();

  /**
   * @param sliceMs work time between pauses, default {@link DEFAULT_SLICE_MS}
   * @param signal when it aborts, the next pause throws its reason (the work is abandoned)
   */
  constructor(
    readonly sliceMs: number = DEFAULT_SLICE_MS,
    private readonly signal?: AbortSignal,
  ) {}

  /** Whether the current slice is used up. */
  due(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Yields to the event loop (after pending I/O callbacks) and starts a new slice. */
  async pause(): Promise<void> {
    await nextTurn();
    this.signal?.throwIfAborted();
    this.sliceStart = performance.now();
  }
}

/**
 * `items.map(map)` in slices: pauses for the event loop whenever `slicer` says so. For mapping a
 * large decoded request to rows without holding the loop (e.g. spans to `spans` rows).
 */
export async function mapInSlices<T, R>(
  items: readonly T[],
  map: (item: T) => R,
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<R[]> {
  const out = new Array<R>(items.length);
  for (let i = 0; i < items.length; i++) {
    out[i] = map(items[i]!);
    if (slicer.due()) await slicer.pause();
  }
  return out;
}
