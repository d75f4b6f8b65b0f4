// Runs every bench/*.bench.js module (compiled to dist/bench), prints a table, writes bench/results.json.
// Usage: npm run bench [-- name-filter]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { renderTable } from '../src/cli/renderTable.js';
import type { BenchResult } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const results: BenchResult[] = [];
for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.bench.js') && f.includes(filter))
  .sort()) {
  process.stderr.write(`running ${file}...\n`);
  const module = (await import(pathToFileURL(join(here, file)).href)) as {
    default: () => Promise<BenchResult[]>;
  };
  results.push(...(await module.default()));
}
const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3));
const withRange = (n: number, range: [number, number] | undefined) =>
  range && range[0] !== range[1] ? `${fmt(n)} [${fmt(range[0])}–${fmt(range[1])}]` : fmt(n);
process.stdout.write(
  renderTable(
    ['benchmark', 'unit', 'pgtel', 'baseline', 'baseline is', 'ratio', 'target', 'pass'],
    results.map((r) => [
      r.name,
      r.unit,
      withRange(r.ours, r.oursRange),
      withRange(r.baseline, r.baselineRange),
      r.baselineName,
      r.ratioRange
        ? `${r.ratio.toFixed(3)} [${r.ratioRange.map((x) => x.toFixed(2)).join('–')}]`
        : r.ratio.toFixed(3),
      r.target,
      r.pass ? 'yes' : 'NO',
    ]),
  ),
);
// A filtered run replaces its own lines and keeps the others' latest figures.
const out = join(here, '..', '..', 'bench', 'results.json');
const earlier: BenchResult[] = filter && existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : [];
const merged = [...earlier.filter((old) => !results.some((r) => r.name === old.name)), ...results];
writeFileSync(out, `${JSON.stringify(merged, null, 2)}\n`);
process.stderr.write(`wrote ${out}\n`);
