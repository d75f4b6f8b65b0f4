/** Lexical values of PromQL: numbers, durations and Go-style quoted strings. */

const UNIT_MS: Record<string, number> = {
  y: 365 * 24 * 3600_000,
  w: 7 * 24 * 3600_000,
  d: 24 * 3600_000,
  h: 3600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const DURATION = /^(?:\d+(?:ms|[ywdhms]))+$/;
const DURATION_PART = /(\d+)(ms|[ywdhms])/g;

/** Milliseconds of a duration such as `1h30m`, or undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(DURATION_PART)) ms += Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms;
}

/**
 * The value of a number literal: decimal with exponent and `_` separators, hex, Inf, NaN, or a
 * duration (its value in seconds). NaN when the text is none of those.
 */
export function parseNumber(text: string): number {
  const lower = text.toLowerCase();
  let sign = 1;
  let body = lower;
  if (body.startsWith('-') || body.startsWith('+')) {
    if (body.startsWith('-')) sign = -1;
    body = body.slice(1).trimStart();
  }
  if (body === 'inf') return sign * Number.POSITIVE_INFINITY;
  if (body === 'nan') return Number.NaN;
  if (body.startsWith('0x')) return sign * Number.parseInt(body.slice(2), 16);
  const duration = parseDurationMs(body);
  if (duration !== undefined) return (sign * duration) / 1000;
  return sign * Number(body.replaceAll('_', ''));
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** Unquotes a PromQL string literal (Go escapes in '...' and "...", raw in `...`). */
export function unquoteString(text: string): string {
  const quote = text[0];
  const inner = text.slice(1, -1);
  if (quote === '`') return inner;
  let out = '';
  // \x and octal escapes are bytes: runs of them decode as UTF-8 (invalid bytes become U+FFFD).
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    out += new TextDecoder().decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c !== '\\' || !/[x0-7]/.test(inner[i + 1] ?? '')) flush();
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = inner[++i];
    if (e === undefined) throw new Error('unterminated escape sequence');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = inner.slice(i + 1, i + 1 + len);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len)
        throw new Error(`invalid escape sequence \\${e}`);
      if (e === 'x') bytes.push(Number.parseInt(hex, 16));
      else out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = inner.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid octal escape sequence');
      bytes.push(Number.parseInt(oct, 8));
      i += 2;
    } else {
      throw new Error(`unknown escape sequence \\${e}`);
    }
  }
  flush();
  return out;
}

/**
 * Prometheus accepts `1.` as a number; the grammar wants a digit after the point. Blanking such a
 * point keeps the value and every position.
 */
export function blankTrailingPoints(query: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < query.length; i++) {
    const c = query[i]!;
    if (quote) {
      if (c === '\\' && quote !== '`') {
        out += c + (query[i + 1] ?? '');
        i++;
        continue;
      }
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
    } else if (c === '.' && /[0-9]/.test(query[i - 1] ?? '') && !/[0-9]/.test(query[i + 1] ?? '')) {
      const before = /[0-9a-zA-Z_:.]*$/.exec(query.slice(0, i))![0];
      if (/^[0-9]+$/.test(before)) {
        out += ' ';
        continue;
      }
    }
    out += c;
  }
  return out;
}
