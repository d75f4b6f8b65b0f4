import { RE2JS } from 're2js';

/** Longest regex a matcher may hold. */
export const MAX_MATCHER_PATTERN = 1024;

const compiled = new Map<string, RE2JS | null>();

/**
 * Why `pattern` cannot be a matcher regex, or undefined when it can. Matchers use RE2 syntax, as
 * Alertmanager does: matching takes time linear in the label's length whatever the pattern, so
 * backreferences and lookarounds (which need backtracking) are refused.
 */
export function matcherRegexProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_MATCHER_PATTERN) return `is longer than ${MAX_MATCHER_PATTERN} characters`;
  try {
    RE2JS.compile(pattern);
    RE2JS.compile(`(?:${pattern})`);
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replace(/^error parsing regexp: /, '');
    return `is not a valid RE2 regular expression (${reason}); backreferences and lookarounds are not supported`;
  }
}

/**
 * Whether `value` matches `pattern` as a whole (anchored at both ends), in linear time. A pattern that
 * does not compile (stored before matchers were checked) matches nothing.
 */
export function matchesRegex(pattern: string, value: string): boolean {
  let re = compiled.get(pattern);
  if (re === undefined) {
    re = matcherRegexProblem(pattern) === undefined ? RE2JS.compile(`(?:${pattern})`) : null;
    if (compiled.size >= 1000) compiled.clear();
    compiled.set(pattern, re);
  }
  return re?.matches(value) === true;
}
