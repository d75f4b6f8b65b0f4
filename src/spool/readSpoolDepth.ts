import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CURSOR_BYTES, CURSOR_FILE, decodeCursor } from './spoolCursor.js';
import { DEAD_LETTER_FILE, readAt, SEGMENT_NAME, segmentName } from './spoolFiles.js';
import { classifyAt, RECORD_HEADER_BYTES, SKIPPED_TAG } from './spoolRecord.js';

/** One slot folder of a spool destination, as read from disk. */
export interface SpoolSlotDepth {
  folder: string;
  /** Pid in the slot's lock file (the process draining it), or undefined when no process holds it. */
  holderPid: number | undefined;
  records: number;
  bytes: number;
  diskBytes: number;
  oldestAppendedAt: number | undefined;
  deadLetters: number;
}

/** The spool of one destination: its slots and their sums. */
export interface SpoolDepth {
  folder: string;
  records: number;
  bytes: number;
  diskBytes: number;
  oldestAppendedAt: number | undefined;
  deadLetters: number;
  slots: SpoolSlotDepth[];
}

async function countRecords(
  file: string,
  from: number,
): Promise<{ records: number; bytes: number; size: number; oldest: number | undefined }> {
  const handle = await open(file, 'r');
  try {
    const size = (await handle.stat()).size;
    let records = 0;
    let bytes = 0;
    let oldest: number | undefined;
    for (let offset = 0; offset < size; ) {
      const framing = classifyAt(await readAt(handle, offset, RECORD_HEADER_BYTES), offset, size);
      if (framing.kind !== 'record') break; // a torn tail or damage: the owner's recovery deals with it
      if (offset >= from && framing.header.tag !== SKIPPED_TAG) {
        records++;
        bytes += framing.bytes;
        oldest ??= framing.header.appendedAt;
      }
      offset += framing.bytes;
    }
    return { records, bytes, size, oldest };
  } finally {
    await handle.close();
  }
}

async function readSlot(folder: string, lockFile: string): Promise<SpoolSlotDepth> {
  const names = await readdir(folder).catch(() => [] as string[]);
  const cursorBytes = await readFile(join(folder, CURSOR_FILE)).catch(() => Buffer.alloc(0));
  const cursor = decodeCursor(cursorBytes.subarray(0, CURSOR_BYTES));
  const slot: SpoolSlotDepth = {
    folder,
    holderPid: undefined,
    records: 0,
    bytes: 0,
    diskBytes: 0,
    oldestAppendedAt: undefined,
    deadLetters: 0,
  };
  const pid = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) slot.holderPid = pid;
  const seqs = names
    .map((n) => SEGMENT_NAME.exec(n)?.[1])
    .filter((s): s is string => s !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  for (const seq of seqs) {
    if (cursor && seq < cursor.segment) continue;
    const from = cursor && seq === cursor.segment ? cursor.offset : 0;
    // Segments are deleted as they drain: one may vanish while being read.
    const counted = await countRecords(join(folder, segmentName(seq)), from).catch(() => undefined);
    if (!counted) continue;
    slot.records += counted.records;
    slot.bytes += counted.bytes;
    slot.diskBytes += counted.size;
    slot.oldestAppendedAt ??= counted.oldest;
  }
  if (names.includes(DEAD_LETTER_FILE))
    slot.deadLetters =
      (await countRecords(join(folder, DEAD_LETTER_FILE), 0).catch(() => undefined))?.records ?? 0;
  return slot;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Reads the depth of a spool destination folder (every slot) from disk, without locking it: for
 * `pgtel status`, beside a running `pgtel serve` or after one stopped. Reads record headers only.
 */
export async function readSpoolDepth(destination: string): Promise<SpoolDepth> {
  const names = await readdir(destination).catch(() => [] as string[]);
  const slots: SpoolSlotDepth[] = [];
  for (const name of names.filter((n) => /^\d+$/.test(n)).sort((a, b) => Number(a) - Number(b)))
    slots.push(await readSlot(join(destination, name), join(destination, `${name}.lock`)));
  const oldest = slots.map((s) => s.oldestAppendedAt).filter((t): t is number => t !== undefined);
  return {
    folder: destination,
    records: slots.reduce((sum, s) => sum + s.records, 0),
    bytes: slots.reduce((sum, s) => sum + s.bytes, 0),
    diskBytes: slots.reduce((sum, s) => sum + s.diskBytes, 0),
    oldestAppendedAt: oldest.length > 0 ? Math.min(...oldest) : undefined,
    deadLetters: slots.reduce((sum, s) => sum + s.deadLetters, 0),
    slots,
  };
}
