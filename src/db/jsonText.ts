// JSON.stringify escapes NUL as \u0000 and lone surrogates as \udXXX; jsonb rejects both.
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;

function clean(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\0', '\uFFFD').toWellFormed();
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [clean(k), clean(v)]));
  }
  return value;
}

/**
 * JSON text that PostgreSQL's jsonb accepts for any input: NUL and lone surrogates become U+FFFD,
 * non-finite numbers become null (as JSON.stringify does), bigint becomes a string.
 */
export function toJsonText(value: unknown): string {
  const replacer = (_key: string, v: unknown) => (typeof v === 'bigint' ? v.toString() : v);
  const text = JSON.stringify(value, replacer) ?? 'null';
  return UNSTORABLE_ESCAPE.test(text) ? (JSON.stringify(clean(value), replacer) ?? 'null') : text;
}
