import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExampleStore } from '../../examples/exampleProcess.js';
import { onRealServer } from '../../helpers/testDatabase.js';
import { codeBlocks, readDoc } from '../../integration/docs/markdownBlocks.js';

// `npm pack` of this checkout (dist/ built by `npm test`'s pretest; `prepack` builds it on a real
// pack), installed into a fresh app from the local npm cache, as a user installs pgtel.
const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  main: string;
  types: string;
  bin: Record<string, string>;
  exports: Record<string, { types: string; import: string }>;
};
let work = '';
const store = createExampleStore();
let tarball = '';
let packed: string[] = [];

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout;
}

const readme = readDoc('README.md');
const section = readme.slice(readme.indexOf('## Add pgtel to your app'));
const installLine = codeBlocks(section, 'sh')[0]?.code.trim() ?? '';
const snippet = codeBlocks(section.slice(0, section.indexOf('\n## ', 3)), 'js')[0]?.code ?? '';

// Once per CI run (the embedded lane, the README snippet's default): packing and installing take a while.
describe.skipIf(onRealServer)('the packed npm package', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pgtel-pack-'));
    const [info] = JSON.parse(
      run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info!.filename);
    packed = info!.files.map((f) => f.path);
  }, 120_000);

  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await store.dispose();
  });

  it('builds on pack and ships every entry point it declares', () => {
    expect(manifest.scripts.prepack).toBe('npm run build');
    const entries = [
      manifest.main,
      manifest.types,
      ...Object.values(manifest.bin),
      ...Object.values(manifest.exports).flatMap((e) => [e.types, e.import]),
    ].map((p) => p.replace(/^\.\//, ''));
    expect(entries.filter((p) => !packed.includes(p))).toEqual([]);
    for (const dir of ['sql/migrations/', 'web/']) expect(packed.some((p) => p.startsWith(dir))).toBe(true);
    expect(packed.filter((p) => /^(src|test|bench|soak|dist\/(test|bench))\//.test(p))).toEqual([]);
  });

  it('ships a declaration file and a source map carrying its TypeScript source for every module', () => {
    const modules = packed.filter((p) => p.endsWith('.js') && p.startsWith('dist/src/'));
    expect(modules.length).toBeGreaterThan(100);
    for (const file of modules) {
      expect(packed, file).toContain(file.replace(/\.js$/, '.d.ts'));
      expect(packed, file).toContain(`${file}.map`);
    }
    const withoutSources = modules.filter((file) => {
      const map = JSON.parse(readFileSync(join(root, `${file}.map`), 'utf8')) as {
        sources: string[];
        sourcesContent?: (string | null)[];
      };
      return map.sources.length === 0 || map.sources.some((_, i) => !map.sourcesContent?.[i]);
    });
    expect(withoutSources).toEqual([]);
  });

  it('installs into a fresh app with the README command, runs the README snippet and npx pgtel --help', () => {
    expect(installLine).toMatch(/^npm i pgtel /);
    writeFileSync(join(work, 'package.json'), '{}'); // keeps npm from walking up past the temp folder
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    const args = installLine.split(/\s+/).slice(2);
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball, ...args.slice(1)], app);
    writeFileSync(join(app, 'app.mjs'), snippet);
    run('node', ['app.mjs'], app, { ...process.env, PGTEL_LOG_LEVEL: 'warn', ...store.env });
    const help = run('npx', ['--no-install', 'pgtel', '--help'], app);
    expect(help).toContain('pgtel serve');
  }, 300_000);
});
