import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'pgtel-no-otel-'));

// pgtel's runtime dependencies and everything they need, found through npm's own lockfile.
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; peer?: boolean; devOptional?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path]) => path.startsWith('node_modules/') && !path.slice(13).includes('node_modules/'))
    .filter(([, info]) => !info.dev && !info.devOptional && !info.peer)
    .map(([path]) => path.slice('node_modules/'.length));
}

beforeAll(() => {
  cpSync(join(root, 'dist', 'src'), join(folder, 'dist', 'src'), { recursive: true });
  cpSync(join(root, 'sql'), join(folder, 'sql'), { recursive: true });
  cpSync(join(root, 'package.json'), join(folder, 'package.json'));
  for (const name of productionPackages()) {
    const target = join(folder, 'node_modules', name);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(root, 'node_modules', name), target, 'dir');
  }
  writeFileSync(
    join(folder, 'degraded.mjs'),
    readFileSync(join(root, 'test/e2e/tracing/scripts/degraded.mjs')),
  );
});

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('tracing with the OpenTelemetry packages absent', () => {
  it('runs everything with valid ids, stores nothing, throws nothing', async () => {
    expect(existsSync(join(folder, 'node_modules', '@opentelemetry'))).toBe(false);
    expect(existsSync(join(folder, 'node_modules', 'pg'))).toBe(true);
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(folder, 'degraded.mjs'), join(folder, 'dist', 'src', 'index.js')],
        { cwd: folder, env: { ...process.env, DATABASE_URL: '', PGTEL_DATABASE_URL: '' } },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(JSON.parse(output)).toEqual({
      apiResolvable: false,
      correlationIdsValid: true,
      correlationIdsDistinct: 100,
      enabled: false,
      idsValid: true,
      nested: true,
      correlationIsTrace: true,
      traceparent: true,
      methodsChain: true,
      errorPropagates: true,
      usingForm: true,
      usingRestored: true,
      remote: true,
      tracerIds: true,
      storedSpans: 0,
    });
    // Starting an embedded database in a fresh process takes a while on a loaded machine.
  }, 180_000);
});
