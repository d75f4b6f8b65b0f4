import {
  closeSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
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

function readPid(file: string): number {
  const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
  return Number.isInteger(pid) && pid > 0 ? pid : 0;
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

/**
 * An exclusive lock on an embedded database folder, held as a sibling file `<folder>.lock` holding
 * the owner's pid. PGlite does not stop two processes from opening one folder (which corrupts it),
 * so pgtel refuses the second opener. A lock whose process is gone is taken over: it is first
 * renamed away (only one contender can win that rename), then re-checked.
 */
export class DataDirLock {
  readonly file: string;

  private constructor(file: string) {
    this.file = file;
  }

  static acquire(dataDir: string): DataDirLock {
    const folder = resolve(dataDir);
    mkdirSync(dirname(folder), { recursive: true });
    const file = join(dirname(folder), `${basename(folder)}.lock`);
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
