import type { CanonicalLabels } from './labelKey.js';

/** Attributes as stored labels: sorted keys, strings kept, other values as JSON text, nulls left out. */
export function attributeLabels(attributes: Readonly<Record<string, unknown>>): CanonicalLabels {
  const labels: CanonicalLabels = {};
  for (const key of Object.keys(attributes).sort()) {
    const value = attributes[key];
    if (value === undefined || value === null) continue;
    labels[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return labels;
}
