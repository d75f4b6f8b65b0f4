import type ts from 'typescript';

export interface EntryPoint {
  /** The import specifier, e.g. `pgtel/alerts`. */
  name: string;
  /** Absolute path of its source, e.g. `.../src/alerts/index.ts`. */
  file: string;
}

export function entryPoints(root: string): EntryPoint[];

export function publicApi(root: string): {
  checker: ts.TypeChecker;
  entries: (EntryPoint & { exports: ts.Symbol[] })[];
};
