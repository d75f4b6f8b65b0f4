import { quoteIdent } from '../../db/quoteIdent.js';
import { ValidationError } from '../../errors.js';

const PART = '[A-Za-z_][A-Za-z0-9_$]{0,62}';
const TABLE_NAME = new RegExp(`^(${PART})(?:\\.(${PART}))?$`);

/**
 * Validates `table` or `schema.table` (plain SQL identifiers only) and returns it quoted, ready to be
 * spliced into SQL. Anything else is refused: the names come from configuration, not from SQL authors.
 */
export function quotedTableName(name: string): string {
  const match = typeof name === 'string' ? TABLE_NAME.exec(name) : null;
  if (!match) {
    throw new ValidationError(
      `invalid table name ${JSON.stringify(name)}: use table or schema.table, letters, digits, _ and $`,
    );
  }
  return match[2] === undefined ? quoteIdent(match[1]!) : `${quoteIdent(match[1]!)}.${quoteIdent(match[2])}`;
}
