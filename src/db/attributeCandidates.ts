import { toJsonText } from './jsonText.js';

/**
 * The jsonb documents an attribute filter `key:value` may stand for, to match with
 * `attributes @> ANY (...)`: always the string, plus the number or boolean the text reads as. Pure.
 */
export function attributeCandidates(key: string, value: string): string[] {
  const candidates = [toJsonText({ [key]: value })];
  if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value) && Number.isFinite(Number(value)))
    candidates.push(toJsonText({ [key]: Number(value) }));
  if (value === 'true' || value === 'false') candidates.push(toJsonText({ [key]: value === 'true' }));
  return candidates;
}
