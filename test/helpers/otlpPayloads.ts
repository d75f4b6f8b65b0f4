import { randomBytes } from 'node:crypto';

/** Field tag and varint length prefix of a length-delimited protobuf field. */
function lengthDelimited(field: number, body: Buffer): Buffer {
  const header: number[] = [(field << 3) | 2];
  for (let n = body.length; ; n >>>= 7) {
    if (n < 0x80) {
      header.push(n);
      break;
    }
    header.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from(header), body]);
}

/**
 * An OTLP ExportTraceServiceRequest (protobuf) of `count` minimal spans (ids, a one-letter name, start
 * and end) in one trace, written byte by byte so millions of spans take a second, not a minute.
 * About 49 bytes a span; ids count up, so gzip shrinks it about tenfold.
 */
export function minimalSpansRequest(
  count: number,
  traceId: string = randomBytes(16).toString('hex'),
): Buffer {
  const trace = Buffer.from(traceId, 'hex');
  const start = BigInt(Date.now()) * 1_000_000n;
  const spans = Buffer.alloc(count * 51);
  let o = 0;
  for (let i = 0; i < count; i++) {
    spans[o++] = 0x12; // ScopeSpans.spans
    spans[o++] = 49;
    spans[o++] = 0x0a; // trace_id
    spans[o++] = 16;
    trace.copy(spans, o);
    o += 16;
    spans[o++] = 0x12; // span_id
    spans[o++] = 8;
    spans.writeUInt32BE(0x01000000, o);
    spans.writeUInt32BE(i + 1, o + 4);
    o += 8;
    spans[o++] = 0x2a; // name
    spans[o++] = 1;
    spans[o++] = 0x73;
    spans[o++] = 0x39; // start_time_unix_nano
    spans.writeBigUInt64LE(start, o);
    o += 8;
    spans[o++] = 0x41; // end_time_unix_nano
    spans.writeBigUInt64LE(start + 1000n, o);
    o += 8;
  }
  return lengthDelimited(1, lengthDelimited(2, spans.subarray(0, o)));
}

/**
 * An OTLP/JSON trace request whose one span carries an unknown field holding arrays nested `depth`
 * deep, padded with `padding` bytes of whitespace inside the nesting.
 */
export function deeplyNestedJson(depth: number, padding = 0): Buffer {
  const nested = `${'['.repeat(depth)}${' '.repeat(padding)}${']'.repeat(depth)}`;
  return Buffer.from(
    `{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"deep","unknownField":${nested}}]}]}]}`,
  );
}
