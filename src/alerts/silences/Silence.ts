import { ValidationError } from '../../errors.js';
import { matcherRegexProblem, matchesRegex } from './matcherRegex.js';

/** Alertmanager's matcher: a missing label matches as the empty string; regexes (RE2) match the whole value. */
export interface SilenceMatcher {
  name: string;
  value: string;
  /** Default `=`. */
  op?: '=' | '!=' | '=~' | '!~';
}

/** A stored silence: notifications of alerts matching all its matchers are held back until `endsAt`. */
export interface Silence {
  id: number;
  matchers: SilenceMatcher[];
  startsAt: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
  createdAt: Date;
}

const OPS = ['=', '!=', '=~', '!~'];

/**
 * Checks matchers (names, operators, regexes in RE2 syntax, matched whole and in linear time: see
 * `matcherRegexProblem`); at least one is required.
 */
export function validateMatchers(matchers: readonly SilenceMatcher[]): SilenceMatcher[] {
  if (!Array.isArray(matchers) || matchers.length === 0) {
    throw new ValidationError(
      'A silence needs at least one matcher, e.g. { name: "alertname", value: "HighLatency" }.',
    );
  }
  return matchers.map((m, i) => {
    const op = m?.op ?? '=';
    if (typeof m?.name !== 'string' || m.name === '')
      throw new ValidationError(`matcher ${i + 1}: name must be a label name.`);
    if (typeof m.value !== 'string') throw new ValidationError(`matcher ${i + 1}: value must be a string.`);
    if (!OPS.includes(op)) throw new ValidationError(`matcher ${i + 1}: op must be one of ${OPS.join(' ')}.`);
    const problem = op === '=~' || op === '!~' ? matcherRegexProblem(m.value) : undefined;
    if (problem) throw new ValidationError(`matcher ${i + 1}: ${JSON.stringify(m.value)} ${problem}.`);
    return { name: m.name, value: m.value, op };
  });
}

/** True when all matchers match `labels`. */
export function matchersMatch(matchers: readonly SilenceMatcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const actual = labels[m.name] ?? '';
    switch (m.op ?? '=') {
      case '=':
        return actual === m.value;
      case '!=':
        return actual !== m.value;
      case '=~':
        return matchesRegex(m.value, actual);
      default:
        return !matchesRegex(m.value, actual);
    }
  });
}

/** True when `silence` is in effect at `now` and matches `labels`. */
export function silences(silence: Silence, labels: Record<string, string>, now: number): boolean {
  return (
    silence.startsAt.getTime() <= now &&
    now < silence.endsAt.getTime() &&
    matchersMatch(silence.matchers, labels)
  );
}
