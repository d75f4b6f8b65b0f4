import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationModule, parseMigration } from '../../../scripts/migrationModule.mjs';
import { statementText } from '../../../scripts/statementText.mjs';
import { WHOLE_FILE_CHECKSUMS } from '../../../scripts/wholeFileChecksums.mjs';
import { BUNDLED_MIGRATIONS } from '../../../src/schema/bundledMigrations.generated.js';

const folder = fileURLToPath(new URL('../../../sql/migrations/', import.meta.url));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('statementText', () => {
  it('drops line and nested block comments and makes whitespace runs one space', () => {
    expect(
      statementText('-- header\n\nCREATE TABLE t (\n  x int, -- why\n  /* a /* b */ c */ y int\n);\n'),
    ).toBe('CREATE TABLE t ( x int, y int );');
  });

  it('keeps strings, quoted identifiers and dollar-quoted bodies exactly, comment marks and all', () => {
    const kept = [
      "SELECT 'a -- b  /* c */', 'it''s'",
      "SELECT E'x\\'-- y'",
      'SELECT "odd--name"',
      'CREATE FUNCTION f() RETURNS int AS $$ -- inside\n  SELECT 1 $$ LANGUAGE sql',
      'DO $fn$ BEGIN /* kept */ END $fn$',
    ];
    for (const sql of kept) expect(statementText(`${sql}; -- gone`)).toBe(`${sql};`);
  });

  it('still tells different statements apart', () => {
    expect(statementText('SELECT 1;')).not.toBe(statementText('SELECT 2;'));
    expect(statementText("SELECT 'a  b';")).not.toBe(statementText("SELECT 'a b';"));
  });

  it('refuses unterminated comments, strings and bodies', () => {
    expect(() => statementText('SELECT 1 /* open')).toThrow(/unterminated \/\* comment/);
    expect(() => statementText("SELECT 'open")).toThrow(/unterminated string/);
    expect(() => statementText('SELECT $x$ open')).toThrow(/unterminated \$x\$ body/);
  });
});

describe('parseMigration', () => {
  it('takes version and name from the file name and the sha256 of the statements', () => {
    const sql = 'CREATE TABLE t (x int);\n';
    expect(parseMigration('0042_add_things.sql', sql)).toEqual({
      version: 42,
      name: 'add_things',
      sql,
      checksum: sha256('CREATE TABLE t (x int);'),
      breaking: false,
    });
  });

  it('gives the same checksum whatever the comments say, another for other statements', () => {
    const before = parseMigration('0042_a.sql', '-- Old words.\nCREATE TABLE t (x int);\n');
    const after = parseMigration(
      '0042_a.sql',
      '-- New words,\n-- on two lines.\n\nCREATE TABLE t (x int); -- why\n',
    );
    expect(after.checksum).toBe(before.checksum);
    expect(parseMigration('0042_a.sql', 'CREATE TABLE t (x bigint);').checksum).not.toBe(before.checksum);
  });

  it('carries the whole-file checksum recorded for a migration before comments were ignored', () => {
    expect(parseMigration('0004_workflows.sql', 'SELECT 1;').wholeFileChecksum).toBe(WHOLE_FILE_CHECKSUMS[4]);
    expect(parseMigration('0999_new.sql', 'SELECT 1;')).not.toHaveProperty('wholeFileChecksum');
  });

  it('marks a migration breaking only by a header line before the first statement', () => {
    expect(
      parseMigration('0001_a.sql', '-- Drops a column.\n-- pgtel: breaking\nALTER TABLE t DROP x;').breaking,
    ).toBe(true);
    expect(parseMigration('0001_a.sql', '\n--   PGTEL:  Breaking  \nSELECT 1;').breaking).toBe(true);
    expect(parseMigration('0001_a.sql', 'SELECT 1;\n-- pgtel: breaking\n').breaking).toBe(false);
    expect(parseMigration('0001_a.sql', '-- pgtel: breaking changes nothing here\nSELECT 1;').breaking).toBe(
      false,
    );
  });

  it('refuses a file not named NNNN_lowercase_name.sql', () => {
    expect(() => parseMigration('1_x.sql', '')).toThrow(/must be named NNNN_lowercase_name.sql/);
    expect(() => parseMigration('0001_Upper.sql', '')).toThrow(/0001_Upper.sql/);
  });
});

describe('migrationModule', () => {
  it('lists the migrations in version order whatever the order of the files', () => {
    const source = migrationModule([
      { file: '0002_b.sql', sql: 'SELECT "2";' },
      { file: '0001_a.sql', sql: '-- pgtel: breaking\nSELECT 1;' },
    ]);
    expect(source).toMatch(
      /version: 1,\n {4}name: "a",\n {4}breaking: true,[\s\S]*version: 2,\n {4}name: "b",\n {4}breaking: false,/,
    );
    expect(source).toContain(JSON.stringify('SELECT "2";'));
  });

  it('refuses two files of one version', () => {
    expect(() =>
      migrationModule([
        { file: '0003_a.sql', sql: '' },
        { file: '0003_b.sql', sql: '' },
      ]),
    ).toThrow(/Two migration files share version 3/);
  });

  it('writes the whole-file checksum only where there is one', () => {
    const source = migrationModule([
      { file: '0001_a.sql', sql: 'SELECT 1;' },
      { file: '0999_b.sql', sql: 'SELECT 2;' },
    ]);
    expect(source.match(/wholeFileChecksum/g)).toHaveLength(1);
    expect(source).toContain(`wholeFileChecksum: "${WHOLE_FILE_CHECKSUMS[1]}"`);
  });

  it('is what the build generated from every file of sql/migrations', () => {
    const files = readdirSync(folder).filter((file) => file.endsWith('.sql'));
    expect(BUNDLED_MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.sql`)).toEqual(
      files.sort(),
    );
    for (const migration of BUNDLED_MIGRATIONS) {
      const file = `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`;
      expect(migration.checksum).toBe(sha256(statementText(readFileSync(`${folder}${file}`, 'utf8'))));
    }
  });
});
