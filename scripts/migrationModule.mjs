// Pure part of the migration build step: turns the files of sql/migrations into the TypeScript
// module pgtel ships, so a bundled application never reads migration files at run time.
import { createHash } from 'node:crypto';
import { statementText } from './statementText.mjs';
import { WHOLE_FILE_CHECKSUMS } from './wholeFileChecksums.mjs';

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** A header line (before the first statement) marking a migration the previous release cannot run against. */
const BREAKING = /^--\s*pgtel:\s*breaking\s*$/i;

/**
 * One migration from its file name and SQL text: version and name from `NNNN_lowercase_name.sql`,
 * the sha256 of its statements without comments (`statementText`, what `schema_migrations.checksum`
 * stores, so a comment can be corrected), the whole-file checksum recorded for it before (when it
 * has one), and whether a `-- pgtel: breaking` line stands in the header (the comment lines before
 * the first statement). Additive by default.
 *
 * @param {string} file
 * @param {string} sql
 * @returns {{ version: number, name: string, sql: string, checksum: string, wholeFileChecksum?: string, breaking: boolean }}
 */
export function parseMigration(file, sql) {
  const match = FILE_NAME.exec(file);
  if (!match) throw new Error(`Migration file ${file} must be named NNNN_lowercase_name.sql`);
  const header = [];
  for (const line of sql.split('\n')) {
    const trimmed = line.trim();
    if (trimmed !== '' && !trimmed.startsWith('--')) break;
    header.push(trimmed);
  }
  const version = Number(match[1]);
  const wholeFileChecksum = WHOLE_FILE_CHECKSUMS[version];
  return {
    version,
    name: match[2],
    sql,
    checksum: createHash('sha256').update(statementText(sql)).digest('hex'),
    ...(wholeFileChecksum ? { wholeFileChecksum } : {}),
    breaking: header.some((line) => BREAKING.test(line)),
  };
}

/**
 * The source of `src/schema/bundledMigrations.generated.ts` for the given `.sql` files (any order):
 * the migrations in version order; two files of one version are refused.
 *
 * @param {{ file: string, sql: string }[]} files
 * @returns {string}
 */
export function migrationModule(files) {
  const migrations = files
    .map(({ file, sql }) => parseMigration(file, sql))
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version === migrations[i - 1]?.version)
      throw new Error(`Two migration files share version ${m.version}`);
  });
  const entries = migrations.map(
    (m) =>
      `  {\n    version: ${m.version},\n    name: ${JSON.stringify(m.name)},\n    breaking: ${m.breaking},\n` +
      `    checksum: ${JSON.stringify(m.checksum)},\n` +
      (m.wholeFileChecksum ? `    wholeFileChecksum: ${JSON.stringify(m.wholeFileChecksum)},\n` : '') +
      `    sql: ${JSON.stringify(m.sql)},\n  },\n`,
  );
  return (
    '// Generated from sql/migrations by scripts/generateMigrations.mjs (npm run build): do not edit.\n' +
    "import type { Migration } from './Migration.js';\n\n" +
    "/** pgtel's migrations, in version order, as shipped in the code. */\n" +
    `export const BUNDLED_MIGRATIONS: readonly Migration[] = [\n${entries.join('')}];\n`
  );
}
