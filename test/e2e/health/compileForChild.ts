import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(import.meta.dirname, '../../..');
const RELATIVE_IMPORT = /(?:from|import)\s*['"](\.{1,2}\/[^'"]+)\.js['"]/g;

/**
 * Transpiles a TypeScript entry file and every module it reaches by relative imports into a folder
 * under node_modules/.cache (so bare imports still resolve), for `node` to run in a child process
 * (Node 20 cannot run .ts). Returns the compiled entry's path and a cleanup function.
 */
export function compileForChild(entry: string): { entry: string; cleanup: () => void } {
  const outDir = join(root, 'node_modules', '.cache', `pgtel-e2e-${randomBytes(4).toString('hex')}`);
  const pending = [resolve(entry)];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(RELATIVE_IMPORT))
      pending.push(resolve(dirname(file), `${match[1]}.ts`));
    const output = ts.transpileModule(source, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const target = join(outDir, relative(root, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, output);
  }
  return {
    entry: join(outDir, relative(root, resolve(entry))).replace(/\.ts$/, '.js'),
    cleanup: () => rmSync(outDir, { recursive: true, force: true }),
  };
}
