import type { SilenceMatcher } from '../alerts/silences/Silence.js';
import { UsageError } from './UsageError.js';

/** Parses `name=value`, `name!=value`, `name=~regex` or `name!~regex` into a silence matcher (pure). */
export function parseMatcher(text: string): SilenceMatcher {
  const match = /^([A-Za-z_][A-Za-z0-9_.:/-]*)(=~|!~|!=|=)(.*)$/s.exec(text);
  if (!match)
    throw new UsageError(`a matcher is name=value, name!=value, name=~regex or name!~regex (got "${text}")`);
  return { name: match[1]!, op: match[2] as SilenceMatcher['op'], value: match[3]! };
}
