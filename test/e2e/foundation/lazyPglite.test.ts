import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const entryPoints = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, unknown> })
    .exports,
).map((subpath) => subpath.replace(/^\./, 'pgtel'));
const folder = mkdtempSync(join(tmpdir(), 'pgtel-lazy-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// A module resolve hook (it runs off the main thread) that appends every resolved URL to a file.
const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.LOADED_LOG, resolved.url + '\\n');
  return resolved;
}`;
const register = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;

/** Runs `script` as a module in a child process (cwd: this package) and returns the modules it loaded. */
function loadedBy(script: string, name: string): string[] {
  const log = join(folder, `${name}.log`);
  const run = spawnSync(
    process.execPath,
    ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', script],
    {
      cwd: root,
      env: {
        ...process.env,
        LOADED_LOG: log,
        DATABASE_URL: '',
        PGTEL_DATABASE_URL: '',
        PGTEL_LOG_LEVEL: 'warn',
      },
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

const isPglite = (url: string) => url.includes('/@electric-sql/pglite/');

describe('PGlite (27 MB) is loaded only when the embedded database is opened', () => {
  it.each(entryPoints)('import %s loads no PGlite module', (entry) => {
    const loaded = loadedBy(`await import(${JSON.stringify(entry)});`, entry.replace(/\W/g, '_'));
    expect(loaded.some((url) => url.includes('/dist/src/'))).toBe(true);
    expect(loaded.filter(isPglite)).toEqual([]);
  });

  it('opening the embedded database loads it', () => {
    const loaded = loadedBy(
      `const { openDatabase } = await import('pgtel');
       const db = await openDatabase({ dataDir: 'memory://' });
       await db.query('SELECT 1');
       await db.close();`,
      'open',
    );
    expect(loaded.filter(isPglite).length).toBeGreaterThan(0);
  }, 120_000);
});
