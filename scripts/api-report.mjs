// The public API report: for each entry point in package.json `exports`, every exported name with its
// kind and signature, written to api-report/<entry>.md. `--check` compares instead of writing and
// fails when the API changed without its report, or when an exported name has no TSDoc.
//   node scripts/api-report.mjs           write the report
//   node scripts/api-report.mjs --check   verify it (part of `npm run lint`)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportDir = join(root, 'api-report');
const check = process.argv.includes('--check');

/** `pgtel/alerts` -> `src/alerts/index.ts`, from the `import` target of each export. */
function entryPoints() {
  const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.entries(exports).map(([subpath, target]) => ({
    name: subpath === '.' ? 'pgtel' : `pgtel/${subpath.slice(2)}`,
    file: join(root, target.import.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts')),
  }));
}

const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;

function kindOf(symbol) {
  const f = symbol.flags;
  if (f & ts.SymbolFlags.Class) return 'class';
  if (f & ts.SymbolFlags.Function) return 'function';
  if (f & ts.SymbolFlags.Interface) return 'interface';
  if (f & ts.SymbolFlags.TypeAlias) return 'type';
  if (f & ts.SymbolFlags.Variable) return 'const';
  return 'other';
}

function isPublicMember(declaration) {
  const modifiers = ts.canHaveModifiers(declaration) ? (ts.getModifiers(declaration) ?? []) : [];
  const hidden = modifiers.some(
    (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
  );
  return !hidden && !(declaration.name && ts.isPrivateIdentifier(declaration.name));
}

/** One line per member: `name: type` or `name(params): result` for each signature. */
function memberLines(checker, type, location) {
  const lines = [];
  for (const property of checker.getPropertiesOfType(type)) {
    const declaration = property.valueDeclaration ?? property.declarations?.[0];
    if (declaration && !isPublicMember(declaration)) continue;
    const propertyType = checker.getTypeOfSymbolAtLocation(property, location);
    const optional = property.flags & ts.SymbolFlags.Optional ? '?' : '';
    const signatures =
      declaration && ts.isMethodDeclaration(declaration) ? propertyType.getCallSignatures() : [];
    if (signatures.length > 0) {
      for (const s of signatures)
        lines.push(`${property.name}${optional}${checker.signatureToString(s, location, flags)}`);
    } else {
      lines.push(`${property.name}${optional}: ${checker.typeToString(propertyType, location, flags)}`);
    }
  }
  return lines;
}

function describe(checker, exported) {
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  const declaration = symbol.declarations?.[0];
  const kind = kindOf(symbol);
  const lines = [];
  if (kind === 'function') {
    const type = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    for (const s of type.getCallSignatures())
      lines.push(`${exported.name}${checker.signatureToString(s, declaration, flags)}`);
  } else if (kind === 'class') {
    const staticType = checker.getTypeOfSymbolAtLocation(symbol, declaration);
    for (const s of staticType.getConstructSignatures()) {
      lines.push(
        `new ${exported.name}${checker.signatureToString(s, declaration, flags).replace(/: [^:]*$/, '')}`,
      );
    }
    for (const line of memberLines(checker, staticType, declaration))
      if (line !== 'prototype') lines.push(`static ${line}`);
    lines.push(...memberLines(checker, checker.getDeclaredTypeOfSymbol(symbol), declaration));
  } else if (kind === 'interface') {
    lines.push(...memberLines(checker, checker.getDeclaredTypeOfSymbol(symbol), declaration));
  } else if (kind === 'type') {
    lines.push(checker.typeToString(checker.getTypeAtLocation(declaration.type), declaration, flags));
  } else {
    lines.push(
      checker.typeToString(checker.getTypeOfSymbolAtLocation(symbol, declaration), declaration, flags),
    );
  }
  const documented =
    ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim() !== '' ||
    (symbol.declarations ?? []).some((d) => ts.getJSDocCommentsAndTags(d).length > 0);
  return {
    name: exported.name,
    kind,
    lines: lines.filter((l) => !l.startsWith('static prototype')),
    documented,
  };
}

function report(program, entry) {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry.file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`cannot load ${entry.file}`);
  const items = checker
    .getExportsOfModule(moduleSymbol)
    .map((exported) => describe(checker, exported))
    .sort((a, b) => a.name.localeCompare(b.name));
  const text = [
    `# API report: \`${entry.name}\``,
    '',
    `${items.length} exported names. Generated by \`npm run api:report\` from \`${entry.file.slice(root.length + 1)}\`; do not edit.`,
    '',
    ...items.flatMap((item) => [`## ${item.kind} \`${item.name}\``, '', '```ts', ...item.lines, '```', '']),
  ].join('\n');
  return { text, items };
}

const entries = entryPoints();
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
const problems = [];
let total = 0;
for (const entry of entries) {
  const { text, items } = report(program, entry);
  total += items.length;
  for (const item of items)
    if (!item.documented) problems.push(`${entry.name}: ${item.name} has no TSDoc comment`);
  const file = join(reportDir, `${entry.name.replace('/', '-')}.md`);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(file, 'utf8');
    } catch {}
    if (committed !== text) problems.push(`${file.slice(root.length + 1)} is out of date`);
  } else {
    mkdirSync(reportDir, { recursive: true });
    writeFileSync(file, text);
  }
}
if (problems.length > 0) {
  console.error(
    `${problems.join('\n')}\nThe public API changed: document it, run \`npm run api:report\` and commit api-report/.`,
  );
  process.exit(1);
}
console.log(
  `API report ${check ? 'up to date' : 'written'}: ${entries.length} entry points, ${total} exported names.`,
);
