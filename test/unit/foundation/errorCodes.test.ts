import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { optionDefinitions } from '../../../src/config.js';

const srcDir = fileURLToPath(new URL('../../../src/', import.meta.url));

function sourceTexts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceTexts(path);
    return entry.name.endsWith('.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

/** The members of the PgtelErrorCode union, read from its declaration. */
function unionMembers(): string[] {
  const text = readFileSync(join(srcDir, 'errors.ts'), 'utf8');
  const start = text.indexOf('export type PgtelErrorCode');
  const declaration = text.slice(start, text.indexOf('\n\n', start));
  return [...declaration.matchAll(/'(PGTEL_[A-Z_]+)'/g)].map((m) => m[1] ?? '');
}

describe('error codes', () => {
  it('every PGTEL_ code in src/ (environment variables aside) is a member of PgtelErrorCode', () => {
    const environment = new Set(optionDefinitions.flatMap((option) => option.env));
    const used = new Set(
      sourceTexts(srcDir).flatMap((text) => [...text.matchAll(/'(PGTEL_[A-Z_]+)'/g)].map((m) => m[1] ?? '')),
    );
    const members = unionMembers();
    expect(members).toContain('PGTEL_INVALID');
    expect([...used].filter((code) => !environment.has(code) && !members.includes(code)).sort()).toEqual([]);
  });

  it('every code an HTTP answer can carry is in the error table of docs/api.md', () => {
    const api = readFileSync(fileURLToPath(new URL('../../../docs/api.md', import.meta.url)), 'utf8');
    const documented = new Set([...api.matchAll(/^\| \d{3} \| `(PGTEL_[A-Z_]+)`/gm)].map((m) => m[1]));
    const http = [
      'PGTEL_INVALID',
      'PGTEL_UNAUTHORIZED',
      'PGTEL_NOT_FOUND',
      'PGTEL_METHOD_NOT_ALLOWED',
      'PGTEL_CONFLICT',
      'PGTEL_OVERLOADED',
      'PGTEL_UNAVAILABLE',
      'PGTEL_DATABASE',
      'PGTEL_INTERNAL',
    ];
    expect(http.filter((code) => !documented.has(code))).toEqual([]);
  });
});
