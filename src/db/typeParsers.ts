/**
 * One set of result parsers for both drivers, so the same SQL yields the same JS values:
 * int8 and numeric as number (observability values are doubles; ids stay below 2^53),
 * timestamptz as Date, date as 'YYYY-MM-DD' text, json/jsonb parsed, bytea as Uint8Array,
 * and arrays of these element-wise.
 */
export const TYPE_OIDS = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamptz: 1184,
  timestamp: 1114,
  json: 114,
  jsonb: 3802,
  int8Array: 1016,
  numericArray: 1231,
  timestamptzArray: 1185,
  jsonbArray: 3807,
} as const;

export function parseNumber(text: string): number {
  return Number(text);
}

export function parseTimestamptz(text: string): Date {
  // PostgreSQL prints "2026-01-02 03:04:05.678+00" (or "+05:30"); infinity has no Date.
  if (text === 'infinity') return new Date(8.64e15);
  if (text === '-infinity') return new Date(-8.64e15);
  const iso = text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00');
  return new Date(iso);
}

/** timestamp without time zone is read as UTC, whatever the process's TZ. */
export function parseTimestamp(text: string): Date {
  return parseTimestamptz(`${text}+00`);
}

export function parseIdentity(text: string): string {
  return text;
}

export function parseJson(text: string): unknown {
  return JSON.parse(text);
}

/** Element parsers by scalar type OID; array OIDs map to their element's OID. */
export const scalarParsers: Record<number, (text: string) => unknown> = {
  [TYPE_OIDS.int8]: parseNumber,
  [TYPE_OIDS.numeric]: parseNumber,
  [TYPE_OIDS.date]: parseIdentity,
  [TYPE_OIDS.timestamptz]: parseTimestamptz,
  [TYPE_OIDS.timestamp]: parseTimestamp,
  [TYPE_OIDS.json]: parseJson,
  [TYPE_OIDS.jsonb]: parseJson,
};

export const arrayElementOids: Record<number, number> = {
  [TYPE_OIDS.int8Array]: TYPE_OIDS.int8,
  [TYPE_OIDS.numericArray]: TYPE_OIDS.numeric,
  [TYPE_OIDS.timestamptzArray]: TYPE_OIDS.timestamptz,
  [TYPE_OIDS.jsonbArray]: TYPE_OIDS.jsonb,
  1115: TYPE_OIDS.timestamp,
  1182: TYPE_OIDS.date,
  199: TYPE_OIDS.json,
};
