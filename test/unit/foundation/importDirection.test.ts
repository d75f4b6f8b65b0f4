import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const srcDir = fileURLToPath(new URL('../../../src/', import.meta.url));

/**
 * The layer of each top-level entry of src/, lowest first. A file may import its own layer and the
 * ones below, never one above: cli -> serve -> grpc, spool -> http -> domains -> schema -> db -> base.
 */
const LAYERS: Record<string, string[]> = {
  base: [
    'SingleSetup.ts',
    'clock.ts',
    'config.ts',
    'configTable.ts',
    'errors.ts',
    'logger.ts',
    'packageRoot.ts',
    'packageVersion.ts',
    'redact.ts',
    'retryDelay.ts',
  ],
  db: ['db'],
  schema: ['schema'],
  domains: [
    'alerts',
    'grafana',
    'health',
    'links',
    'logs',
    'metrics',
    'otel',
    'otlp',
    'prometheus',
    'promql',
    'testing',
    'tracing',
    'workflows',
  ],
  http: ['http'],
  transports: ['grpc', 'spool'],
  serve: ['serve'],
  cli: ['cli'],
};
const RANK = Object.keys(LAYERS);
// The root entry point re-exports the library: domains and below, never a transport or the service.
const ROOT_ENTRY = 'index.ts';

function layerOf(file: string): string {
  const top = relative(srcDir, file).split('/')[0] ?? '';
  if (top === ROOT_ENTRY) return 'domains';
  const layer = Object.keys(LAYERS).find((name) => LAYERS[name]?.includes(top));
  if (!layer) throw new Error(`src/${top} has no layer: add it to LAYERS in this test`);
  return layer;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative specifiers of static imports, re-exports and dynamic imports, type-only ones included. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm,
  )) {
    found.push(match[1] ?? '');
  }
  return found;
}

/** `importer -> imported (layer -> layer)` for every import that points up the layers. */
function upwardImports(): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const from = layerOf(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier).replace(/\.js$/, '.ts');
      const to = layerOf(target);
      if (RANK.indexOf(to) > RANK.indexOf(from)) {
        violations.push(`${relative(srcDir, file)} -> ${relative(srcDir, target)} (${from} -> ${to})`);
      }
    }
  }
  return violations.sort();
}

describe('the direction of imports in src/', () => {
  it('finds the imports of a file, type-only and dynamic ones too', () => {
    const text = [
      "import type { A } from '../http/a.js';",
      "export { B } from './b.js';",
      "const c = await import('../serve/c.js');",
      "import './side.js';",
      "import pg from 'pg';",
    ].join('\n');
    expect(importsOf(text)).toEqual(['../http/a.js', './b.js', '../serve/c.js', './side.js']);
  });

  it('points down only: cli -> serve -> grpc, spool -> http -> domains -> schema -> db -> base', () => {
    expect(upwardImports(), 'imports pointing up the layers').toEqual([]);
  });
});
