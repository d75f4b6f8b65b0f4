import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { publicApi } from '../../../scripts/publicApi.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** `Interface.property` for every optional property of a public `*Options` type whose TSDoc states no default. */
function optionsWithoutDefault(): string[] {
  const { checker, entries } = publicApi(root);
  const exports = entries.flatMap((entry) => entry.exports);
  expect(exports.length).toBeGreaterThan(100);

  const missing = new Set<string>();
  for (const exported of exports) {
    if (!exported.name.endsWith('Options')) continue;
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (!(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias))) continue;
    // getPropertiesOfType includes the properties of extended interfaces and intersected types.
    for (const property of checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol))) {
      if (!(property.flags & ts.SymbolFlags.Optional)) continue;
      const declaration = property.declarations?.[0];
      // Options inherited from other packages document themselves.
      if (!declaration || declaration.getSourceFile().fileName.includes('/node_modules/')) continue;
      const doc = [
        ts.displayPartsToString(property.getDocumentationComment(checker)),
        ...property.getJsDocTags(checker).map((tag) => `${tag.name} ${ts.displayPartsToString(tag.text)}`),
      ].join(' ');
      if (/default/i.test(doc)) continue;
      const owner = declaration.parent;
      const ownerName =
        (ts.isInterfaceDeclaration(owner) || ts.isTypeAliasDeclaration(owner)) && owner.name
          ? owner.name.text
          : ts.isTypeLiteralNode(owner) && ts.isTypeAliasDeclaration(owner.parent)
            ? owner.parent.name.text
            : exported.name;
      missing.add(`${ownerName}.${property.name}`);
    }
  }
  return [...missing].sort();
}

describe('public options', () => {
  it('state their default in TSDoc', () => {
    expect(optionsWithoutDefault(), 'optional option properties whose TSDoc states no default').toEqual([]);
  }, 120_000); // type-checks every source the entry points reach
});
