import { OverloadedError } from '../errors.js';
import { OtlpDecodeError } from './OtlpDecodeError.js';

/** Default budget of in-flight decompressed ingest bytes: 256 MiB. */
export const DEFAULT_INGEST_MEMORY_BYTES = 256 * 1024 * 1024;

/**
 * Bytes of decompressed request bodies all in-flight ingest requests may hold together, in the
 * spirit of the OpenTelemetry Collector's memory_limiter: a request reserves its bytes as they
 * arrive, before it allocates them, and releases them when it is answered. A reservation that would
 * go over the capacity is refused, and the request is answered 429 (the client retries later).
 * Shared by every ingest protocol of one process.
 */
export class IngestBudget {
  private used = 0;
  private peak = 0;

  /** @param capacityBytes default {@link DEFAULT_INGEST_MEMORY_BYTES} */
  constructor(readonly capacityBytes: number = DEFAULT_INGEST_MEMORY_BYTES) {}

  /** Bytes reserved now. */
  get inUseBytes(): number {
    return this.used;
  }

  /** Most bytes ever reserved at once. */
  get peakBytes(): number {
    return this.peak;
  }

  /** Reserves `bytes` if they fit; false (nothing reserved) when they would exceed the capacity. */
  tryReserve(bytes: number): boolean {
    if (bytes < 0 || this.used + bytes > this.capacityBytes) return false;
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  /** Gives back `bytes` reserved earlier. */
  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }

  /** A reservation that grows as a body streams in; release it once, when the request is over. */
  open(): IngestReservation {
    return new IngestReservation(this);
  }
}

/** One request's share of an {@link IngestBudget}. */
export class IngestReservation {
  private held = 0;

  constructor(private readonly budget: IngestBudget) {}

  /** Bytes this request holds. */
  get bytes(): number {
    return this.held;
  }

  /**
   * Adds `bytes` to the reservation: an {@link OverloadedError} (429) when other requests hold the
   * budget, an OtlpDecodeError 413 when this request alone would need more than all of it (a retry
   * cannot help).
   */
  grow(bytes: number): void {
    if (this.held + bytes > this.budget.capacityBytes) {
      throw new OtlpDecodeError(
        413,
        `request needs more than the ingest memory budget of ${this.budget.capacityBytes} bytes (option ingestMemoryBytes); send smaller batches`,
      );
    }
    if (!this.budget.tryReserve(bytes)) {
      throw new OverloadedError(
        `ingest memory budget of ${this.budget.capacityBytes} bytes is in use by other requests, retry later`,
      );
    }
    this.held += bytes;
  }

  /** Gives everything back; safe to call twice. */
  release(): void {
    this.budget.release(this.held);
    this.held = 0;
  }
}
