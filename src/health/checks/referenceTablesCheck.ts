import type { Database } from '../../db/Database.js';
import { ValidationError } from '../../errors.js';
import type { HealthCheck } from '../HealthCheck.js';
import { boundedQuery } from './boundedQuery.js';
import { type BuiltinCheckOptions, DEFAULT_CHECK_TIMEOUT_MS } from './databaseCheck.js';
import { quotedTableName } from './tableName.js';

/**
 * Required reference tables populated (name `reference-data`, startup, critical): each table must
 * exist and hold at least one row (`EXISTS`, never a full `COUNT(*)`). Names are `table` or
 * `schema.table`, validated when the check is created; unqualified names follow the search_path.
 */
export function referenceTablesCheck(
  db: Database,
  tables: readonly string[],
  options: BuiltinCheckOptions = {},
): HealthCheck {
  if (!Array.isArray(tables) || tables.length === 0) {
    throw new ValidationError('referenceTablesCheck needs at least one table name');
  }
  const quoted = tables.map(quotedTableName);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  return {
    name: options.name ?? 'reference-data',
    probes: options.probes ?? ['startup'],
    critical: options.critical ?? true,
    timeoutMs,
    check: async (signal) => {
      const found = await boundedQuery<{ present: boolean[] }>(
        db,
        'SELECT array_agg(to_regclass(t) IS NOT NULL ORDER BY i) AS present FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i)',
        [quoted],
        timeoutMs,
        signal,
      );
      const present = found[0]?.present ?? [];
      const missing = tables.filter((_, i) => !present[i]);
      const existing = quoted.filter((_, i) => present[i]);
      let empty: string[] = [];
      if (existing.length > 0) {
        const select = existing.map((t, i) => `EXISTS (SELECT 1 FROM ${t}) AS "${i}"`).join(', ');
        const [row] = await boundedQuery<Record<string, boolean>>(
          db,
          `SELECT ${select}`,
          [],
          timeoutMs,
          signal,
        );
        const names = tables.filter((_, i) => present[i]);
        empty = names.filter((_, i) => row?.[String(i)] !== true);
      }
      const problems = [
        missing.length > 0 ? `missing: ${missing.join(', ')}` : '',
        empty.length > 0 ? `empty: ${empty.join(', ')}` : '',
      ].filter(Boolean);
      if (problems.length > 0) return { status: 'fail', message: `Reference tables ${problems.join('; ')}` };
      return { status: 'pass', message: `Reference tables populated: ${tables.join(', ')}` };
    },
  };
}
