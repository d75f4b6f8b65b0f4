import type { LabelMatcher } from './SampleSource.js';

/** SQL conditions and their parameters, numbered from an offset. */
export interface MatcherSql {
  conditions: string[];
  params: unknown[];
}

/**
 * A Prometheus (RE2) regular expression as a fully anchored PostgreSQL one, and whether it is case
 * insensitive (a leading `(?i)`, which PostgreSQL only takes as the `~*` operator).
 */
function anchoredRegex(regex: string): { pattern: string; caseInsensitive: boolean } {
  const caseInsensitive = regex.startsWith('(?i)');
  return { pattern: `^(?:${caseInsensitive ? regex.slice(4) : regex})$`, caseInsensitive };
}

/**
 * WHERE conditions over `metric_series` (alias `alias`) for label matchers, with Prometheus's
 * semantics: an absent label equals '' (so `job=""` selects series without `job`), regular
 * expressions are fully anchored, `__name__` is `metric_name`. Equality on a label is a jsonb
 * containment the GIN index on `labels` serves, on the name the btree on `metric_name`. Pure.
 */
export function labelMatcherSql(
  matchers: readonly LabelMatcher[],
  alias: string,
  firstParam: number,
): MatcherSql {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${firstParam + params.length - 1}`;
  };
  for (const m of matchers) {
    const isName = m.name === '__name__';
    const column = () =>
      isName ? `${alias}.metric_name` : `coalesce(${alias}.labels->>${param(m.name)}, '')`;
    switch (m.type) {
      case '=':
        if (isName) conditions.push(`${alias}.metric_name = ${param(m.value)}`);
        else if (m.value === '') conditions.push(`NOT ${alias}.labels ? ${param(m.name)}`);
        else conditions.push(`${alias}.labels @> ${param(JSON.stringify({ [m.name]: m.value }))}::jsonb`);
        break;
      case '!=':
        conditions.push(`${column()} <> ${param(m.value)}`);
        break;
      case '=~':
      case '!~': {
        const { pattern, caseInsensitive } = anchoredRegex(m.value);
        const operator = `${m.type === '!~' ? '!' : ''}~${caseInsensitive ? '*' : ''}`;
        conditions.push(`${column()} ${operator} ${param(pattern)}`);
        break;
      }
    }
  }
  return { conditions, params };
}
