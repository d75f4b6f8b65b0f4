/** Label sets as given by callers: a string map (numbers and booleans are turned into text). */
export type Labels = Readonly<Record<string, string | number | boolean>>;

/** Label sets as stored: sorted keys, string values. */
export type CanonicalLabels = Record<string, string>;

/** Limits on one label set; beyond them the observation is refused (and counted), never stored cut. */
export const MAX_LABELS = 32;
export const MAX_LABEL_NAME_LENGTH = 128;
export const MAX_LABEL_VALUE_LENGTH = 1024;

function sortedKey(labels: Labels): string {
  let key = '';
  for (const name of Object.keys(labels).sort()) {
    const value = String(labels[name]);
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/**
 * A string identifying a label set whatever its key order. Length prefixes make it unambiguous for
 * any content (quotes, separators, newlines). Fast path: keys already in order, no sort, no array.
 */
export function labelKey(labels: Labels | undefined): string {
  if (labels === undefined) return '';
  let key = '';
  let previous = '';
  for (const name in labels) {
    if (name < previous) return sortedKey(labels);
    previous = name;
    const raw = labels[name];
    const value = typeof raw === 'string' ? raw : String(raw);
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

/** The stored form of a label set, or a description of why it cannot be stored. */
export function canonicalLabels(labels: Labels | undefined): CanonicalLabels | string {
  const result: CanonicalLabels = {};
  if (labels === undefined || labels === null) return result;
  if (typeof labels !== 'object') return 'labels must be an object of string values';
  const names = Object.keys(labels).sort();
  if (names.length > MAX_LABELS) return `more than ${MAX_LABELS} labels`;
  for (const name of names) {
    const raw = labels[name];
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean')
      return `label "${name.slice(0, 64)}" is not a string`;
    if (name === '' || name.length > MAX_LABEL_NAME_LENGTH)
      return `label names must be 1 to ${MAX_LABEL_NAME_LENGTH} characters`;
    const value = String(raw);
    if (value.length > MAX_LABEL_VALUE_LENGTH)
      return `label "${name}" is longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
    result[name] = value;
  }
  return result;
}
