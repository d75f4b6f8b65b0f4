import { type FileHandle, open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../logger.js';
import { CURSOR_BYTES, CURSOR_FILE, decodeCursor, type Position } from './spoolCursor.js';
import {
  DEAD_LETTER_FILE,
  readAt,
  SEGMENT_NAME,
  saveDamaged,
  segmentName,
  syncFolder,
  writeAll,
} from './spoolFiles.js';
import { classifyAt, encodeRecord, payloadMatches, RECORD_HEADER_BYTES, SKIPPED_TAG } from './spoolRecord.js';

/** A segment file: its sequence number and its valid size. */
export interface Segment {
  seq: number;
  bytes: number;
}

/** What a spool folder holds after recovery. */
export interface RecoveredSpool {
  /** Segments from the one holding the oldest pending record on; none when nothing is pending. */
  segments: Segment[];
  /** The oldest pending record (or where the next segment will start, when none). */
  head: Position;
  nextSeq: number;
  records: number;
  pendingBytes: number;
  byTag: Map<number, number>;
  oldest: number | undefined;
  deadLetters: number;
  damagedFiles: number;
}

/**
 * Reads what a previous run left in a spool folder and repairs it: deletes drained segments, checks
 * every pending record's CRC, cuts off a write torn by a crash at the tail of the last segment (never
 * acknowledged), and saves anything else that does not check out to a `damaged-*.bin` file (a record
 * whose CRC fails is also rewritten in place as filler, so the segment's framing stays intact).
 */
export async function recoverSpoolFolder(folder: string, logger: Logger): Promise<RecoveredSpool> {
  const names = await readdir(folder);
  const cursor = await readCursor(folder);
  const seqs = names
    .map((name) => SEGMENT_NAME.exec(name)?.[1])
    .filter((seq): seq is string => seq !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const found: RecoveredSpool = {
    segments: [],
    head: { segment: 0, offset: 0 },
    nextSeq: Math.max(cursor?.segment ?? 0, ...seqs) + 1,
    records: 0,
    pendingBytes: 0,
    byTag: new Map(),
    oldest: undefined,
    deadLetters: 0,
    damagedFiles: names.filter((name) => name.startsWith('damaged-')).length,
  };
  let first: Position | undefined;
  const damaged = async (seq: number, offset: number, bytes: Buffer, what: string) => {
    await saveDamaged(folder, seq, offset, bytes, what, logger);
    found.damagedFiles++;
  };
  for (const [index, seq] of seqs.entries()) {
    if (cursor && seq < cursor.segment) {
      await unlink(join(folder, segmentName(seq))); // drained before the crash
      continue;
    }
    const bytes = await scanSegment(
      folder,
      seq,
      index === seqs.length - 1,
      cursor,
      logger,
      damaged,
      (at, r) => {
        first ??= at;
        found.oldest ??= r.appendedAt;
        found.records++;
        found.pendingBytes += r.bytes;
        found.byTag.set(r.tag, (found.byTag.get(r.tag) ?? 0) + 1);
      },
    );
    found.segments.push({ seq, bytes });
  }
  const start = first;
  const drained = start ? found.segments.filter((s) => s.seq < start.segment) : found.segments;
  for (const segment of drained) await unlink(join(folder, segmentName(segment.seq)));
  found.segments = start ? found.segments.filter((s) => s.seq >= start.segment) : [];
  found.head = start ?? { segment: found.nextSeq, offset: 0 };
  if (start) {
    logger.info('spool: records left by a previous run will be stored', {
      folder,
      records: found.records,
      bytes: found.pendingBytes,
    });
  }
  found.deadLetters = await countDeadLetters(folder);
  await syncFolder(folder);
  return found;
}

async function readCursor(folder: string): Promise<Position | undefined> {
  const handle = await open(join(folder, CURSOR_FILE), 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    return decodeCursor(await readAt(handle, 0, CURSOR_BYTES));
  } finally {
    await handle.close();
  }
}

/** Checks one segment record by record, cuts off a torn tail, saves damage aside; returns its valid size. */
async function scanSegment(
  folder: string,
  seq: number,
  isLast: boolean,
  cursor: Position | undefined,
  logger: Logger,
  damaged: (seq: number, offset: number, bytes: Buffer, what: string) => Promise<void>,
  onPending: (at: Position, record: { bytes: number; tag: number; appendedAt: number }) => void,
): Promise<number> {
  const handle = await open(join(folder, segmentName(seq)), 'r+');
  try {
    let size = (await handle.stat()).size;
    let offset = 0;
    while (offset < size) {
      const framing = classifyAt(await readAt(handle, offset, RECORD_HEADER_BYTES), offset, size);
      if (framing.kind === 'record') {
        const pending =
          framing.header.tag !== SKIPPED_TAG && (!cursor || seq > cursor.segment || offset >= cursor.offset);
        if (pending) {
          const payload = await readAt(handle, offset + RECORD_HEADER_BYTES, framing.header.payloadBytes);
          if (payloadMatches(framing.header, payload)) {
            onPending({ segment: seq, offset }, { ...framing.header, bytes: framing.bytes });
          } else {
            const record = await readAt(handle, offset, framing.bytes);
            await damaged(seq, offset, record, 'a record whose CRC does not match');
            await markSkipped(handle, offset, framing.bytes);
          }
        }
        offset += framing.bytes;
        continue;
      }
      if (framing.kind === 'torn' && isLast) {
        logger.warn('spool: a write cut short by a crash was dropped (it was never acknowledged)', {
          folder,
          segment: seq,
          bytes: size - offset,
        });
      } else {
        await damaged(
          seq,
          offset,
          await readAt(handle, offset, size - offset),
          'bytes that are not a record',
        );
      }
      await handle.truncate(offset);
      await handle.sync();
      size = offset;
    }
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * Rewrites a damaged record in place as a valid record of tag 0 whose payload is zeros, so the
 * framing of the segment stays intact and readers skip it (tag 0 is never handed out).
 */
async function markSkipped(handle: FileHandle, offset: number, bytes: number): Promise<void> {
  const filler = encodeRecord(Buffer.alloc(bytes - RECORD_HEADER_BYTES), SKIPPED_TAG, 0);
  await writeAll(handle, filler, offset);
  await handle.sync();
}

async function countDeadLetters(folder: string): Promise<number> {
  const handle = await open(join(folder, DEAD_LETTER_FILE), 'r').catch(() => undefined);
  if (!handle) return 0;
  try {
    const size = (await handle.stat()).size;
    let count = 0;
    for (let offset = 0; offset < size; count++) {
      const framing = classifyAt(await readAt(handle, offset, RECORD_HEADER_BYTES), offset, size);
      if (framing.kind !== 'record') break;
      offset += framing.bytes;
    }
    return count;
  } finally {
    await handle.close();
  }
}
