import { type ChildProcess, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../../helpers/testDatabase.js';
import { compileForChild } from './compileForChild.js';

let compiled: { entry: string; cleanup: () => void };

beforeAll(() => {
  compiled = compileForChild(new URL('./fixtures/probeServer.ts', import.meta.url).pathname);
});

afterAll(() => compiled.cleanup());

interface Child {
  process: ChildProcess;
  lines: string[];
  stderr: () => string;
  /** Resolves with the first stdout line matching `pattern` (already seen or still to come). */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
  base: string;
}

async function start(env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, [compiled.entry], {
    env: { ...process.env, PGTEL_TEST_DATABASE_URL: testDatabaseUrl ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exited.then(() => reject(new Error(`exited before ${pattern}: ${stderr}`)));
    });
  const result: Child = { process: child, lines, stderr: () => stderr, line, exited, base: '' };
  const listening = await Promise.race([line(/^listening \d+$/), exited.then(() => '')]);
  if (!listening) throw new Error(`fixture did not start: ${stderr}`);
  result.base = `http://127.0.0.1:${listening.split(' ')[1]}`;
  return result;
}

const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(10_000) });

describe('graceful shutdown in a real process', () => {
  it('SIGTERM: readiness 503 at once, liveness 200, in-flight request drains, hooks in reverse order, exit 0', async () => {
    const child = await start();
    try {
      expect((await get(`${child.base}/readyz`)).status).toBe(200);
      const slow = get(`${child.base}/slow`);
      await child.line(/^request \/slow$/);
      child.process.kill('SIGTERM');
      let ready = 200;
      for (let i = 0; i < 200 && ready === 200; i++) ready = (await get(`${child.base}/readyz`)).status;
      expect(ready).toBe(503);
      expect((await get(`${child.base}/livez`)).status).toBe(200);
      expect(child.lines).not.toContain('hook telemetry');
      expect(await (await get(`${child.base}/release`)).text()).toBe('released');
      expect(await (await slow).text()).toBe('slow done');
      expect(await child.exited).toBe(0);
      const hooks = child.lines.filter((l) => l.startsWith('hook '));
      expect(hooks).toEqual(['hook telemetry', 'hook database']);
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('a second signal exits at once, even while a hook hangs', async () => {
    const child = await start({ HANG_HOOK: '1' });
    try {
      child.process.kill('SIGTERM');
      await child.line(/^hook hang started$/);
      child.process.kill('SIGTERM');
      expect(await child.exited).toBe(143);
      expect(child.lines).not.toContain('hook database');
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('SIGTERM during a probe whose check hangs: the probe answers 503 and the process exits 0', async () => {
    const child = await start({ HANG_CHECK: '1' });
    try {
      const probe = get(`${child.base}/readyz`);
      await child.line(/^request \/readyz$/);
      child.process.kill('SIGTERM');
      expect((await probe).status).toBe(503);
      expect(await child.exited).toBe(0);
    } finally {
      child.process.kill('SIGKILL');
    }
  });

  it('refuses at start a shutdown that cannot fit in the 30 s grace period', async () => {
    await expect(start({ HOOK_TIMEOUT_MS: '40000' })).rejects.toThrow(/grace period/);
  });
});
