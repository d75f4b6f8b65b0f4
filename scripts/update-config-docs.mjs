// Rewrites the configuration tables of README.md and docs/configuration.md from the option definitions (run after `npm run build`).
import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigTable } from '../dist/src/configTable.js';

for (const file of ['README.md', 'docs/configuration.md']) {
  writeFileSync(file, withConfigTable(readFileSync(file, 'utf8')));
  console.log(`updated ${file}`);
}
