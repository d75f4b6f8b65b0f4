import type { OtlpRejections } from './otlpModel.js';

/** Distinct reasons kept for the error message; the count stays exact beyond it. */
const MAX_REASONS = 10;

/** Counts items a decoder rejects and summarizes why, for an OTLP partial-success response. */
export class RejectionLog {
  private rejected = 0;
  private readonly reasons = new Map<string, number>();
  private otherReasons = false;

  /** @param itemName what is counted, plural: `spans` or `data points`. */
  constructor(private readonly itemName: string) {}

  reject(reason: string, count = 1): void {
    if (count <= 0) return;
    this.rejected += count;
    const seen = this.reasons.get(reason);
    if (seen !== undefined) this.reasons.set(reason, seen + count);
    else if (this.reasons.size < MAX_REASONS) this.reasons.set(reason, count);
    else this.otherReasons = true;
  }

  /** Example: `rejected 3 spans: invalid trace id (2); invalid span id (1)`. */
  result(): OtlpRejections {
    if (this.rejected === 0) return { rejected: 0, errorMessage: '' };
    const reasons = [...this.reasons].map(([reason, count]) => `${reason} (${count})`).join('; ');
    const more = this.otherReasons ? '; other reasons' : '';
    return {
      rejected: this.rejected,
      errorMessage: `rejected ${this.rejected} ${this.itemName}: ${reasons}${more}`,
    };
  }
}
