import { toJsonText } from '../db/jsonText.js';
import { ValidationError } from '../errors.js';

/** Default limit of one metadata object, serialised: 1 MiB. */
export const DEFAULT_MAX_METADATA_BYTES = 1_048_576;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

// Why a value would not survive JSON intact; JSON.stringify would silently drop or mangle these.
function problemOf(value: unknown, path: string, seen: Set<object>): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
    case 'undefined':
      return `${path} is undefined`;
    case 'function':
    case 'symbol':
    case 'bigint':
      return `${path} is a ${typeof value}`;
  }
  if (value === null || value instanceof Date) return undefined;
  const object = value as object;
  if (seen.has(object)) return `${path} refers back to itself (a cycle)`;
  if (!Array.isArray(object) && !isPlainObject(object))
    return `${path} is a ${object.constructor?.name ?? 'non-plain object'}, not a plain object`;
  seen.add(object);
  const entries = Array.isArray(object)
    ? object.map((v, i) => [`[${i}]`, v] as const)
    : Object.entries(object);
  for (const [key, child] of entries) {
    const childPath = Array.isArray(object) ? `${path}${key}` : `${path}.${key}`;
    const problem = problemOf(child, childPath, seen);
    if (problem) return problem;
  }
  seen.delete(object);
  return undefined;
}

/**
 * The JSON text of workflow metadata, checked: a plain object whose every value survives JSON
 * unchanged (no functions, undefined, bigint, NaN, class instances or cycles), at most `maxBytes`
 * bytes once serialised. Anything else is a ValidationError naming the offending path.
 */
export function metadataJson(metadata: unknown, maxBytes = DEFAULT_MAX_METADATA_BYTES): string {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata))
    throw new ValidationError('Workflow metadata must be a plain object such as { "rows": 10 }.');
  const problem = problemOf(metadata, 'metadata', new Set());
  if (problem) throw new ValidationError(`Workflow metadata is not JSON-serialisable: ${problem}.`);
  const text = toJsonText(metadata);
  const bytes = Buffer.byteLength(text);
  if (bytes > maxBytes)
    throw new ValidationError(
      `Workflow metadata is ${bytes} bytes as JSON, over the limit of ${maxBytes} bytes; ` +
        'store large payloads elsewhere and keep a reference in the metadata.',
    );
  return text;
}
