import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MigrationError } from '../errors.js';
import { packageRoot } from '../packageRoot.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `sql/migrations/NNNN_name.sql` in version order; each version used once. */
export function loadMigrations(folder = join(packageRoot(), 'sql', 'migrations')): Migration[] {
  const migrations = readdirSync(folder)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new MigrationError(`Migration file ${file} must be named NNNN_lowercase_name.sql`);
      const sql = readFileSync(join(folder, file), 'utf8');
      return {
        version: Number(match[1]),
        name: match[2]!,
        sql,
        checksum: createHash('sha256').update(sql).digest('hex'),
      };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version === migrations[i - 1]?.version)
      throw new MigrationError(`Two migration files share version ${m.version}`);
  });
  return migrations;
}
