import { mkdirSync, readdirSync, rmdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { DataDirLock } from '../db/DataDirLock.js';
import { ConfigError, LockedError } from '../errors.js';

/** A slot folder of a spool destination, held by this process until `release()`. */
export interface SpoolSlot {
  folder: string;
  release(): void;
}

const MAX_SLOTS = 64;
const SLOT_NAME = /^\d+$/;
/** Slot folders this process holds: a lock naming our pid that is not here is a previous life's. */
const heldHere = new Set<string>();

/**
 * Claims this process's slot under a destination folder, and every other slot no live process holds.
 *
 * Several `pgtel serve` processes may share a working folder and a database; each gets a slot of its
 * own (`0`, `1`, ...: the first one whose `<n>.lock` is free or left by a dead process), so no two
 * processes ever write one spool. Slots of processes that died (their records still to store) are
 * claimed too, as `orphans`, to be drained and released.
 */
export function claimSpoolSlots(destination: string): { own: SpoolSlot; orphans: SpoolSlot[] } {
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(destination, { recursive: true });
      let own: SpoolSlot | undefined;
      for (let n = 0; n < MAX_SLOTS && !own; n++) own = tryLock(join(destination, String(n)));
      if (!own) {
        throw new ConfigError(
          `All ${MAX_SLOTS} spool slots of ${destination} are held by running processes: ` +
            'give this one its own PGTEL_SPOOL_DIR, or turn the spool off with PGTEL_SPOOL_MAX_BYTES=0.',
        );
      }
      return { own, orphans: claimOrphanSlots(destination) };
    } catch (error) {
      // Another process removed the (empty) destination folder between our mkdir and our lock: again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || attempt >= 3) throw error;
    }
  }
}

/** Claims the slots under `destination` that no live process holds (left by processes that died). */
export function claimOrphanSlots(destination: string): SpoolSlot[] {
  const names = (() => {
    try {
      return readdirSync(destination);
    } catch {
      return [];
    }
  })();
  const orphans: SpoolSlot[] = [];
  for (const name of names.filter((n) => SLOT_NAME.test(n)).sort((a, b) => Number(a) - Number(b))) {
    const folder = join(destination, name);
    if (heldHere.has(folder)) continue;
    const slot = tryLock(folder);
    if (slot) orphans.push(slot);
  }
  return orphans;
}

/**
 * Removes the destination folder if nothing is left in it (no slot, no lock): an empty spool leaves
 * no trace. A process claiming a slot at that moment retries.
 */
export function removeIfEmpty(destination: string): void {
  try {
    rmdirSync(destination);
  } catch {}
}

function tryLock(folder: string): SpoolSlot | undefined {
  let lock: DataDirLock;
  try {
    lock = DataDirLock.acquire(folder);
  } catch (error) {
    if (!(error instanceof LockedError)) throw error;
    if (error.holderPid !== process.pid || heldHere.has(folder)) return undefined;
    // Our own pid, but not held here: a previous process with the same pid (a container's pid 1
    // restarted) left it. Take it over, or its records would wait forever.
    try {
      unlinkSync(`${folder}.lock`);
      lock = DataDirLock.acquire(folder);
    } catch {
      return undefined;
    }
  }
  heldHere.add(folder);
  return {
    folder,
    release() {
      heldHere.delete(folder);
      lock.release();
    },
  };
}
