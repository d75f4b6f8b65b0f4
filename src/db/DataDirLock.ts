import {
  closeSync,
  existsSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { LockedError } from '../errors.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's content: the owner's pid on the first line, its server URL (once known) on the second. */
function readLock(file: string): { pid: number; url: string | undefined } {
  const [first = '', second = ''] = readFileSync(file, 'utf8').split('\n');
  const pid = Number.parseInt(first, 10);
  return {
    pid: Number.isInteger(pid) && pid > 0 ? pid : 0,
    url: /^https?:\/\//.test(second) ? second : undefined,
  };
}

function readPid(file: string): number {
  return readLock(file).pid;
}

function lockFileOf(dataDir: string): string {
  const folder = resolve(dataDir);
  return join(dirname(folder), `${basename(folder)}.lock`);
}

function createExclusive(file: string): boolean {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** A live process holding an embedded database folder, and the URL its `pgtel serve` listens on. */
export interface LockHolder {
  pid: number;
  /** Recorded by `advertise` once the server listens; undefined before, or for a library process. */
  url: string | undefined;
}

/**
 * An exclusive lock on an embedded database folder, held as a sibling file `<folder>.lock` holding
 * the owner's pid (and, for `pgtel serve`, its URL, so commands find the server). PGlite does not stop two processes from opening one folder (which corrupts it),
 * so pgtel refuses the second opener. A lock whose process is gone is taken over: it is first
 * renamed away (only one contender can win that rename), then re-checked.
 */
export class DataDirLock {
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
  }

  /** The live process holding `dataDir`'s lock, or undefined when none does (no file, or its owner is gone). */
  static holder(dataDir: string): LockHolder | undefined {
    const file = lockFileOf(dataDir);
    if (!existsSync(file)) return undefined;
    try {
      const lock = readLock(file);
      return lock.pid !== 0 && isAlive(lock.pid) ? lock : undefined;
    } catch {
      return undefined; // released between the check and the read
    }
  }

  /**
   * Records `url` in the lock this process holds on `dataDir` (no-op when it holds none), so CLI
   * commands reach the server instead of being refused the folder. Replaced atomically by a rename.
   */
  static advertise(dataDir: string, url: string): void {
    const file = lockFileOf(dataDir);
    try {
      if (readPid(file) !== process.pid) return;
    } catch {
      return;
    }
    const next = `${file}.${process.pid}.tmp`;
    writeFileSync(next, `${process.pid}\n${url}\n`);
    renameSync(next, file);
  }

  static acquire(dataDir: string): DataDirLock {
    const folder = resolve(dataDir);
    mkdirSync(dirname(folder), { recursive: true });
    const file = lockFileOf(folder);
    for (let attempt = 0; attempt < 3; attempt++) {
      if (createExclusive(file)) return new DataDirLock(file);
      let holder: number;
      try {
        holder = readPid(file);
      } catch {
        continue; // released between our create and our read
      }
      if (holder !== 0 && isAlive(holder)) {
        const who = holder === process.pid ? 'this process' : `process ${holder}`;
        throw new LockedError(
          `The embedded database ${folder} is in use by ${who} (lock file ${file}). ` +
            'Stop it, or point this process at the running server or at another PGTEL_DATA_DIR.',
          holder,
        );
      }
      const aside = `${file}.stale-${process.pid}`;
      try {
        renameSync(file, aside);
      } catch {
        continue; // another process took it over first
      }
      const moved = readPid(aside);
      if (moved !== holder && moved !== 0 && isAlive(moved)) {
        // We moved a fresh lock that a competitor had just written: put it back.
        try {
          linkSync(aside, file);
        } catch {}
      }
      unlinkSync(aside);
    }
    throw new LockedError(`Could not lock the embedded database ${folder}: too many competing processes.`, 0);
  }

  release(): void {
    try {
      if (readPid(this.file) === process.pid) unlinkSync(this.file);
    } catch {}
  }
}
