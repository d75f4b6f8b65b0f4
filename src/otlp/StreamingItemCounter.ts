import { OtlpDecodeError } from './OtlpDecodeError.js';

/** What to do with a length-delimited field at a nesting depth: go inside, count it, or skip it. */
type Step = 'descend' | 'count' | 'skip';
type Rule = (depth: number, field: number) => Step;

const METRIC_DATA_FIELDS = new Set([5, 7, 9, 10, 11]); // gauge, sum, histogram, exponential_histogram, summary

/**
 * Spans: ExportTraceServiceRequest.resource_spans(1) > scope_spans(2) > spans(2); log records sit at the
 * same place (resource_logs(1) > scope_logs(2) > log_records(2)).
 */
const traceRule: Rule = (depth, field) =>
  depth === 0 && field === 1
    ? 'descend'
    : depth === 1 && field === 2
      ? 'descend'
      : depth === 2 && field === 2
        ? 'count'
        : 'skip';

/** Data points: resource_metrics(1) > scope_metrics(2) > metrics(2) > gauge|sum|...(5,7,9,10,11) > data_points(1). */
const metricsRule: Rule = (depth, field) => {
  if (depth === 0) return field === 1 ? 'descend' : 'skip';
  if (depth === 1 || depth === 2) return field === 2 ? 'descend' : 'skip';
  if (depth === 3) return METRIC_DATA_FIELDS.has(field) ? 'descend' : 'skip';
  return depth === 4 && field === 1 ? 'count' : 'skip';
};

const ITEM_NAMES = { traces: 'spans', metrics: 'data points', logs: 'log records' } as const;

enum Mode {
  Tag,
  Length,
  Varint,
  Skip,
}

/**
 * Counts the spans or data points of a protobuf OTLP request as its bytes stream in (chunk by chunk,
 * across any chunk boundary), without decoding anything, and throws a 413 as soon as the count
 * passes `maxItems`: a request of a million spans is refused after the first hundred thousand
 * arrive, before the rest is even decompressed. Malformed input is not its business: it stops
 * counting, and the decoder reports the error.
 */
export class StreamingItemCounter {
  private readonly rule: Rule;
  private readonly ends: number[] = [];
  private mode = Mode.Tag;
  private varint = 0;
  private shift = 0;
  private skip = 0;
  private field = 0;
  private position = 0;
  private broken = false;
  /** Items seen so far. */
  items = 0;

  private readonly itemName: string;

  constructor(
    signal: 'traces' | 'metrics' | 'logs',
    private readonly maxItems: number,
  ) {
    this.rule = signal === 'metrics' ? metricsRule : traceRule;
    this.itemName = ITEM_NAMES[signal];
  }

  /** Feeds the next bytes of the payload; throws OtlpDecodeError 413 past the cap. */
  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.broken) {
      if (this.mode === Mode.Skip) {
        const taken = Math.min(this.skip, chunk.length - i);
        i += taken;
        this.position += taken;
        this.skip -= taken;
        if (this.skip === 0) this.mode = Mode.Tag;
        continue;
      }
      if (this.mode === Mode.Tag && this.shift === 0) this.closeMessages();
      const byte = chunk[i++]!;
      this.position++;
      this.varint += (byte & 0x7f) * 2 ** this.shift;
      this.shift += 7;
      if (byte & 0x80) {
        if (this.shift > 63) this.broken = true;
        continue;
      }
      const value = this.varint;
      this.varint = 0;
      this.shift = 0;
      if (this.mode === Mode.Tag) this.onTag(value);
      else if (this.mode === Mode.Length) this.onLength(value);
      else this.mode = Mode.Tag; // the end of a varint field's value
    }
  }

  private closeMessages(): void {
    while (this.ends.length > 0 && this.position >= this.ends[this.ends.length - 1]!) {
      if (this.position > this.ends.pop()!) this.broken = true;
    }
  }

  private onTag(tag: number): void {
    const wire = tag % 8;
    this.field = Math.floor(tag / 8);
    if (this.field === 0) this.broken = true;
    else if (wire === 0) this.mode = Mode.Varint;
    else if (wire === 1 || wire === 5) this.skipBytes(wire === 1 ? 8 : 4);
    else if (wire === 2) this.mode = Mode.Length;
    else this.broken = true; // groups: not in OTLP
  }

  private onLength(length: number): void {
    const step = this.rule(this.ends.length, this.field);
    if (step === 'descend') {
      this.ends.push(this.position + length);
      this.mode = Mode.Tag;
      return;
    }
    if (step === 'count' && ++this.items > this.maxItems) {
      throw new OtlpDecodeError(
        413,
        `request carries more than ${this.maxItems} ${this.itemName} (the per-request limit, option maxItemsPerRequest); send smaller batches`,
      );
    }
    this.skipBytes(length);
  }

  private skipBytes(count: number): void {
    if (count === 0) this.mode = Mode.Tag;
    else {
      this.skip = count;
      this.mode = Mode.Skip;
    }
  }
}
