// Build step: writes src/schema/bundledMigrations.generated.ts from whatever sql/migrations/*.sql
// exist (run by npm run build, typecheck and test; the generated file is not committed).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrationModule } from './migrationModule.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = join(root, 'sql', 'migrations');
const files = readdirSync(folder)
  .filter((file) => file.endsWith('.sql'))
  .map((file) => ({ file, sql: readFileSync(join(folder, file), 'utf8') }));
const target = join(root, 'src', 'schema', 'bundledMigrations.generated.ts');
const source = migrationModule(files);
let current = '';
try {
  current = readFileSync(target, 'utf8');
} catch {}
// Unchanged files keep their time stamp, so watchers and incremental builds stay quiet.
if (current !== source) writeFileSync(target, source);
