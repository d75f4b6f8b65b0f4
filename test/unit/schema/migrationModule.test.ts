import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { migrationModule, parseMigration } from '../../../scripts/migrationModule.mjs';
import { BUNDLED_MIGRATIONS } from '../../../src/schema/bundledMigrations.generated.js';

const folder = fileURLToPath(new URL('../../../sql/migrations/', import.meta.url));

describe('parseMigration', () => {
  it('takes version and name from the file name and the sha256 of the SQL', () => {
    const sql = 'CREATE TABLE t (x int);\n';
    expect(parseMigration('0042_add_things.sql', sql)).toEqual({
      version: 42,
      name: 'add_things',
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
      breaking: false,
    });
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

  it('is what the build generated from every file of sql/migrations', () => {
    const files = readdirSync(folder).filter((file) => file.endsWith('.sql'));
    expect(BUNDLED_MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}.sql`)).toEqual(
      files.sort(),
    );
    for (const migration of BUNDLED_MIGRATIONS) {
      const file = `${String(migration.version).padStart(4, '0')}_${migration.name}.sql`;
      expect(migration.checksum).toBe(
        createHash('sha256')
          .update(readFileSync(`${folder}${file}`, 'utf8'))
          .digest('hex'),
      );
    }
  });
});
