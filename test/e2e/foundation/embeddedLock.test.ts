import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLock } from '../../../src/db/DataDirLock.js';
import { openDatabase } from '../../../src/db/openDatabase.js';
import { LockedError } from '../../../src/errors.js';

const dist = fileURLToPath(new URL('../../../dist/src/index.js', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'pgtel-lock-'));
const dataDir = join(folder, 'data');

/** A child process that opens the embedded database and holds it until killed. */
function holder(): Promise<ChildProcess> {
  const script = `const { openDatabase } = await import(${JSON.stringify(dist)});
    await openDatabase({ dataDir: ${JSON.stringify(dataDir)}, databaseUrl: undefined });
    process.stdout.write('open\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, DATABASE_URL: '', PGTEL_DATABASE_URL: '' },
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('open') && resolve(child));
    child.on('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
}

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

describe('embedded database folder lock', () => {
  it('refuses a second process, naming the holder pid, and takes over once the holder is gone', async () => {
    const child = await holder();
    try {
      const error = await openDatabase({ dataDir, databaseUrl: undefined }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockedError);
      expect((error as LockedError).holderPid).toBe(child.pid);
      expect((error as Error).message).toContain(`in use by process ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    // The killed holder left its lock file behind: a stale lock is taken over.
    const db = await openDatabase({ dataDir, databaseUrl: undefined });
    try {
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      await expect(openDatabase({ dataDir, databaseUrl: undefined })).rejects.toThrow(
        /in use by this process/,
      );
    } finally {
      await db.close();
    }
  });

  it('treats a lock file with garbage or a dead pid as stale', async () => {
    const other = join(folder, 'other');
    writeFileSync(`${other}.lock`, 'not a pid');
    DataDirLock.acquire(other).release();
    writeFileSync(`${other}.lock`, '2147483646');
    const lock = DataDirLock.acquire(other);
    expect(readFileSync(lock.file, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('records the URL of the server holding the lock, for commands to find it', () => {
    const served = join(folder, 'served');
    expect(DataDirLock.holder(served)).toBeUndefined();
    const lock = DataDirLock.acquire(served);
    try {
      expect(DataDirLock.holder(served)).toEqual({ pid: process.pid, url: undefined });
      DataDirLock.advertise(served, 'http://127.0.0.1:4999');
      expect(DataDirLock.holder(served)).toEqual({ pid: process.pid, url: 'http://127.0.0.1:4999' });
      // Another process's lock is left alone; a dead holder is no holder.
      writeFileSync(lock.file, '2147483646\nhttp://127.0.0.1:1\n');
      DataDirLock.advertise(served, 'http://127.0.0.1:5000');
      expect(readFileSync(lock.file, 'utf8')).toBe('2147483646\nhttp://127.0.0.1:1\n');
      expect(DataDirLock.holder(served)).toBeUndefined();
    } finally {
      lock.release();
    }
  });
});
