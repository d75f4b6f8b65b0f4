import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Vitest global setup: writes src/schema/bundledMigrations.generated.ts from sql/migrations, as npm run build does. */
export default function setup(): void {
  execFileSync(process.execPath, [
    fileURLToPath(new URL('../../scripts/generateMigrations.mjs', import.meta.url)),
  ]);
}
