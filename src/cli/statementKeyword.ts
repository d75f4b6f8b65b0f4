/** Leading whitespace, `-- line` and `/* block *\/` comments, and opening parentheses. */
const PREAMBLE = /^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/|\()*/;

/** The first keyword of a SQL statement, lower case, after comments and parentheses; '' when none (pure). */
export function statementKeyword(sql: string): string {
  return /^[A-Za-z]+/.exec(sql.replace(PREAMBLE, ''))?.[0]?.toLowerCase() ?? '';
}

/** The statements `pgtel query` runs: those that return rows and change nothing. */
export const ROW_QUERY_KEYWORDS: ReadonlySet<string> = new Set(['select', 'with', 'values', 'table']);
