import { toJsonText } from './jsonText.js';

/** Makes a string storable in a PostgreSQL text value: no NUL, no lone surrogate. */
export function toPgText(value: string): string {
  const clean = value.includes('\0') ? value.replaceAll('\0', '\uFFFD') : value;
  return clean.isWellFormed() ? clean : clean.toWellFormed();
}

function escapeCopy(text: string): string {
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) =>
        c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r',
      )
    : text;
}

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text = typeof value === 'string' ? toPgText(value) : fieldText(value);
  return `"${text.replace(/[\\"]/g, '\\$&')}"`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'string') return toPgText(value);
  if (typeof value === 'number')
    return Number.isNaN(value)
      ? 'NaN'
      : Number.isFinite(value)
        ? String(value)
        : value > 0
          ? 'Infinity'
          : '-Infinity';
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `{${value.map(arrayElement).join(',')}}`;
  return toJsonText(value);
}

/**
 * Encodes rows in COPY text format: tab-separated, `\N` for null, backslash escapes.
 * Objects become JSON text (for json/jsonb columns), arrays PostgreSQL array literals.
 */
export function encodeCopyText(rows: readonly (readonly unknown[])[]): string {
  let out = '';
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const value = row[i];
      if (i > 0) out += '\t';
      out += value === null || value === undefined ? '\\N' : escapeCopy(fieldText(value));
    }
    out += '\n';
  }
  return out;
}
