/** Alertmanager's own treatment of label sets (Go `model.LabelSet`), so pgtel's webhook matches it. */

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `strconv.Quote`: printable characters kept, others escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (GO_ESCAPES[char]) out += GO_ESCAPES[char];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (char !== ' ' && /[\p{C}\p{Z}]/u.test(char))
      out +=
        code > 0xffff
          ? `\\U${code.toString(16).padStart(8, '0')}`
          : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** `{a="1", b="2"}`: a label set as Alertmanager prints it (names sorted, values Go-quoted). */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort(byName);
  return `{${names.map((n) => `${n}=${goQuote(labels[n]!)}`).join(', ')}}`;
}

const FNV_OFFSET = 14695981039346656037n;
const FNV_PRIME = 1099511628211n;
const MASK = (1n << 64n) - 1n;
const encoder = new TextEncoder();

/**
 * Alertmanager's alert fingerprint: FNV-1a (64 bit) over the sorted names and values, each followed by
 * the byte 0xff, as 16 hex digits.
 */
export function labelSetFingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = FNV_OFFSET;
  const add = (bytes: Iterable<number>) => {
    for (const b of bytes) hash = ((hash ^ BigInt(b)) * FNV_PRIME) & MASK;
  };
  for (const name of Object.keys(labels).sort(byName)) {
    add(encoder.encode(name));
    add([0xff]);
    add(encoder.encode(labels[name]!));
    add([0xff]);
  }
  return hash.toString(16).padStart(16, '0');
}

/** Go's `LabelSet.Before`: fewer labels first, then by the first differing name or value. */
function before(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length < bn.length;
  for (const name of [...an, ...bn].sort(byName)) {
    if (!(name in a)) return true;
    if (!(name in b)) return false;
    if (a[name] !== b[name]) return a[name]! < b[name]!;
  }
  return false;
}

/**
 * The order Alertmanager lists the alerts of a notification in (`types.AlertSlice`): by `job`, then
 * `instance` (alerts having the label first), then by label set. A comparator for `Array.sort`.
 */
export function compareAlertLabels(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): number {
  for (const key of ['job', 'instance']) {
    const av = a[key];
    const bv = b[key];
    if (av === undefined && bv === undefined) continue;
    if (av === undefined) return 1;
    if (bv === undefined) return -1;
    if (av !== bv) return av < bv ? -1 : 1;
  }
  return before(a, b) ? -1 : before(b, a) ? 1 : 0;
}
