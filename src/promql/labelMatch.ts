/** Label matchers as Prometheus applies them: a missing label matches as the empty string. */
import { re2ToJs } from './re2Syntax.js';
import type { LabelMatcher, Labels } from './SampleSource.js';

const cache = new Map<string, RegExp>();

/** The fully anchored regular expression of a `=~`/`!~` matcher (`.` matches newlines too). */
export function anchoredRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp(`^(?:${re2ToJs(pattern)})$`, 's');
    if (cache.size > 1000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

export function matches(m: LabelMatcher, labels: Labels): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return anchoredRegExp(m.value).test(v);
    case '!~':
      return !anchoredRegExp(m.value).test(v);
  }
}
