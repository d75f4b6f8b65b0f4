// The public entry points of the package and a TypeScript program over their sources, shared by the
// API report (scripts/api-report.mjs) and the tests that check what the entry points export.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** Each entry point of package.json `exports`: `pgtel/alerts` with its source `src/alerts/index.ts`. */
export function entryPoints(root) {
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.entries(exports).map(([subpath, target]) => ({
    name: subpath === '.' ? 'pgtel' : `pgtel/${subpath.slice(2)}`,
    file: join(root, target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')),
  }));
}

/** A type-checked program over the entry points' sources and the exported symbols of each. */
export function publicApi(root) {
  const entries = entryPoints(root);
  const program = ts.createProgram(
    entries.map((e) => e.file),
    {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      skipLibCheck: true,
      noEmit: true,
    },
  );
  const checker = program.getTypeChecker();
  return {
    checker,
    entries: entries.map((entry) => {
      const source = program.getSourceFile(entry.file);
      const moduleSymbol = source && checker.getSymbolAtLocation(source);
      if (!moduleSymbol) throw new Error(`cannot load ${entry.file}`);
      return { ...entry, exports: checker.getExportsOfModule(moduleSymbol) };
    }),
  };
}
