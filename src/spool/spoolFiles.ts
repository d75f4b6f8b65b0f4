// File-level helpers of a spool folder: names, positional reads and writes, fsync of the folder.
import type { FileHandle } from 'node:fs/promises';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';

export const SEGMENT_NAME = /^segment-(\d{16})\.log$/;
/** Records refused for good, framed like the segments so they can be read back. */
export const DEAD_LETTER_FILE = 'dead-letter.log';

export function segmentName(seq: number): string {
  return `segment-${String(seq).padStart(16, '0')}.log`;
}

/** fsync of a folder: makes the creation, rename or removal of the files in it durable. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
export async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** Writes all of `data` (at `position`, or appended). */
export async function writeAll(handle: FileHandle, data: Buffer, position?: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await handle.write(
      data,
      written,
      data.length - written,
      position === undefined ? null : position + written,
    );
    written += bytesWritten;
  }
}

/** Keeps bytes that failed their checks in a file of their own, for an operator to look at. */
export async function saveDamaged(
  folder: string,
  segment: number,
  offset: number,
  bytes: Buffer,
  what: string,
  logger: Logger,
): Promise<void> {
  const file = join(folder, `damaged-${segmentName(segment).replace('.log', '')}-${offset}.bin`);
  await writeFile(file, bytes, { flush: true });
  await syncFolder(folder);
  logger.error(`spool: ${what} was moved aside`, { file, bytes: bytes.length });
}
