import { constants } from 'node:fs';
import { type FileHandle, mkdir, open, rm, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type Clock, systemClock } from '../clock.js';
import { createLogger, type Logger } from '../logger.js';
import { recoverSpoolFolder, type Segment } from './recoverSpoolFolder.js';
import { SpoolFullError } from './SpoolFullError.js';
import { CURSOR_FILE, encodeCursor, type Position } from './spoolCursor.js';
import { DEAD_LETTER_FILE, readAt, saveDamaged, segmentName, syncFolder, writeAll } from './spoolFiles.js';
import { classifyAt, encodeRecord, payloadMatches, RECORD_HEADER_BYTES, SKIPPED_TAG } from './spoolRecord.js';

export interface SpoolOptions {
  /** Disk budget: the segment files together never exceed it; an append that would is refused. */
  maxBytes: number;
  /** A segment is closed and a new one begun once it reaches this size. Default: maxBytes / 16, within 1–64 MiB. */
  segmentBytes?: number;
  /** Stamps each record with its append time (the age of the oldest record). Default: the system clock. */
  clock?: Clock;
  logger?: Logger;
}

/** One record read from the spool, to hand to `ack` (or `deadLetter`) once dealt with. */
export interface SpoolEntry {
  readonly segment: number;
  readonly offset: number;
  /** Record size on disk, header included. */
  readonly bytes: number;
  readonly tag: number;
  readonly appendedAt: number;
  readonly payload: Buffer;
}

export interface SpoolStats {
  /** Records appended and not yet acknowledged. */
  records: number;
  /** Their size on disk, headers included. */
  bytes: number;
  /** Size of the segment files (pending records plus the drained start of the oldest segment). */
  diskBytes: number;
  /** Append time (epoch ms) of the oldest pending record; undefined when the spool is empty. */
  oldestAppendedAt: number | undefined;
  /** Records moved to the dead-letter file (refused for good), kept on disk. */
  deadLetters: number;
}

interface QueuedAppend {
  record: Buffer;
  tag: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A durable FIFO of opaque records in one folder: append-only segment files of length-prefixed,
 * CRC-checked records (`spoolRecord.ts`), a cursor file naming the oldest unacknowledged record, and
 * a dead-letter file. `append` resolves once the record is fsync'd (concurrent appends share one
 * write and one fsync); `next` returns the oldest unacknowledged record, the same one until `ack`
 * (or `deadLetter`) moves past it; segments wholly behind the cursor are deleted.
 *
 * Opening recovers from a crash: a write cut short at the tail of the last segment (never
 * acknowledged to anyone) is cut off; anything else that does not check out (a record whose CRC
 * fails, bytes that are not a record) is saved aside to a `damaged-*.bin` file and logged, never
 * silently dropped. Records acknowledged but still before a stale cursor are returned again, so the
 * consumer must be idempotent. One process at a time: the caller holds a lock on the folder.
 */
export class Spool {
  private segments: Segment[] = [];
  private head: Position = { segment: 1, offset: 0 };
  private nextSeq = 1;
  private writer: { seq: number; handle: FileHandle } | undefined;
  private reader: { seq: number; handle: FileHandle } | undefined;
  private cursorHandle: FileHandle | undefined;
  private deadLetterHandle: FileHandle | undefined;
  private records = 0;
  private pendingBytes = 0;
  private diskBytes = 0;
  private readonly byTag = new Map<number, number>();
  private oldest: number | undefined;
  private deadLetters = 0;
  private damagedFiles = 0;
  private queue: QueuedAppend[] = [];
  private queuedBytes = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private closed = false;
  private broken: Error | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;
  readonly maxBytes: number;
  readonly segmentBytes: number;

  private constructor(
    readonly folder: string,
    options: SpoolOptions,
  ) {
    this.maxBytes = options.maxBytes;
    this.segmentBytes =
      options.segmentBytes ??
      Math.min(64 * 1024 * 1024, Math.max(1024 * 1024, Math.floor(options.maxBytes / 16)));
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger('silent');
  }

  /** Opens (creating it if needed) the spool in `folder` and recovers what a previous run left there. */
  static async open(folder: string, options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(folder, options);
    await mkdir(folder, { recursive: true });
    await syncFolder(dirname(folder));
    await spool.recover();
    return spool;
  }

  /** Takes over what `recoverSpoolFolder` found, and writes the cursor. */
  private async recover(): Promise<void> {
    const found = await recoverSpoolFolder(this.folder, this.logger);
    this.segments = found.segments;
    this.head = found.head;
    this.nextSeq = found.nextSeq;
    this.records = found.records;
    this.pendingBytes = found.pendingBytes;
    this.diskBytes = this.segments.reduce((sum, segment) => sum + segment.bytes, 0);
    for (const [tag, count] of found.byTag) this.byTag.set(tag, count);
    this.oldest = found.oldest;
    this.deadLetters = found.deadLetters;
    this.damagedFiles = found.damagedFiles;
    await this.writeCursor(true);
  }

  /** Depth and age, without I/O. */
  stats(): SpoolStats {
    return {
      records: this.records,
      bytes: this.pendingBytes,
      diskBytes: this.diskBytes,
      oldestAppendedAt: this.oldest,
      deadLetters: this.deadLetters,
    };
  }

  /** Pending records of one tag. */
  pending(tag: number): number {
    return this.byTag.get(tag) ?? 0;
  }

  /**
   * Appends one record tagged `tag` (1 to 2^32-1: what the payload is, returned with it); resolves
   * once it is on disk (written and fsync'd). Rejects with `SpoolFullError` when it would take the
   * segment files past `maxBytes`, or when the disk refused the write.
   */
  append(payload: Uint8Array, tag: number): Promise<void> {
    if (!Number.isInteger(tag) || tag <= SKIPPED_TAG || tag > 0xffffffff)
      return Promise.reject(new RangeError(`spool tag must be a whole number from 1 to 2^32-1, got ${tag}`));
    if (this.closed) return Promise.reject(new SpoolFullError('the spool is closed'));
    if (this.broken) return Promise.reject(new SpoolFullError(`the spool failed: ${this.broken.message}`));
    const record = encodeRecord(payload, tag, this.clock.now());
    if (this.diskBytes + this.queuedBytes + record.length > this.maxBytes) {
      return Promise.reject(
        new SpoolFullError(
          `the spool is full (${this.diskBytes + this.queuedBytes} of ${this.maxBytes} bytes used)`,
        ),
      );
    }
    this.queuedBytes += record.length;
    const done = new Promise<void>((resolve, reject) => this.queue.push({ record, tag, resolve, reject }));
    void this.exclusive(() => this.flush());
    return done;
  }

  /** The oldest unacknowledged record, or undefined when there is none. */
  async next(): Promise<SpoolEntry | undefined> {
    for (;;) {
      if (this.records === 0) return undefined;
      const { segment, offset } = this.head;
      const current = this.segments.find((s) => s.seq === segment);
      if (!current) return this.lostTrack(`segment ${segment} is missing`);
      if (offset >= current.bytes) {
        if (current === this.lastSegment()) return this.lostTrack('no record after the cursor');
        await this.exclusive(() => this.advance(0, undefined));
        continue;
      }
      const handle = await this.readerOf(segment);
      const header = await readAt(handle, offset, RECORD_HEADER_BYTES);
      const framing = classifyAt(header, offset, current.bytes);
      if (framing.kind !== 'record') {
        // Only what changed on disk behind the spool's back gets here: save it, go to the next segment.
        const rest = await readAt(handle, offset, current.bytes - offset);
        await this.saveDamaged(segment, offset, rest, 'bytes that are not a record');
        current.bytes = offset;
        continue;
      }
      if (framing.header.tag === SKIPPED_TAG) {
        await this.exclusive(() => this.advance(framing.bytes, undefined));
        continue;
      }
      const payload = await readAt(handle, offset + RECORD_HEADER_BYTES, framing.header.payloadBytes);
      if (!payloadMatches(framing.header, payload)) {
        await this.saveDamaged(
          segment,
          offset,
          await readAt(handle, offset, framing.bytes),
          'a record whose CRC does not match',
        );
        await this.exclusive(() => this.advance(framing.bytes, framing.header.tag));
        continue;
      }
      return {
        segment,
        offset,
        bytes: framing.bytes,
        tag: framing.header.tag,
        appendedAt: framing.header.appendedAt,
        payload,
      };
    }
  }

  /** Moves past `entry` (the one `next` returned): it was stored and will not be returned again. */
  ack(entry: SpoolEntry): Promise<void> {
    return this.exclusive(async () => {
      this.checkHead(entry);
      await this.advance(entry.bytes, entry.tag);
    });
  }

  /** Moves `entry` to the dead-letter file (durably) and past it: for a record refused for good. */
  deadLetter(entry: SpoolEntry): Promise<void> {
    return this.exclusive(async () => {
      this.checkHead(entry);
      if (!this.deadLetterHandle) {
        this.deadLetterHandle = await open(join(this.folder, DEAD_LETTER_FILE), 'a');
        await syncFolder(this.folder);
      }
      await writeAll(this.deadLetterHandle, encodeRecord(entry.payload, entry.tag, entry.appendedAt));
      await this.deadLetterHandle.datasync();
      this.deadLetters++;
      await this.advance(entry.bytes, entry.tag);
    });
  }

  /**
   * Waits for queued appends, then closes the files. With `removeIfEmpty`, a spool holding nothing
   * (no record, no dead letter, nothing saved aside) deletes its folder.
   */
  async close(options: { removeIfEmpty?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.exclusive(async () => {
      await this.cursorHandle?.datasync().catch(() => {});
    });
    for (const handle of [this.writer?.handle, this.reader?.handle, this.cursorHandle, this.deadLetterHandle])
      await handle?.close().catch(() => {});
    this.writer = this.reader = this.cursorHandle = this.deadLetterHandle = undefined;
    if (options.removeIfEmpty && this.records === 0 && this.deadLetters === 0 && this.damagedFiles === 0) {
      await rm(this.folder, { recursive: true, force: true });
      await syncFolder(dirname(this.folder)).catch(() => {});
    }
  }

  private checkHead(entry: SpoolEntry): void {
    if (entry.segment !== this.head.segment || entry.offset !== this.head.offset)
      throw new Error('spool: only the oldest record can be acknowledged');
  }

  /** Runs file mutations one at a time (appends, acks, rotation and deletion never interleave). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.chain.then(task, task);
    this.chain = run.catch(() => {});
    return run;
  }

  /** Writes every queued append with one write and one fsync (group commit). */
  private async flush(): Promise<void> {
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    const data = batch.length === 1 ? batch[0]!.record : Buffer.concat(batch.map((a) => a.record));
    this.queuedBytes -= data.length;
    let before = -1;
    try {
      if (this.broken) throw this.broken;
      if (!this.writer || this.lastSegment()!.bytes >= this.segmentBytes) await this.rotate();
      const segment = this.lastSegment()!;
      before = segment.bytes;
      await writeAll(this.writer!.handle, data);
      await this.writer!.handle.datasync();
      segment.bytes += data.length;
      this.diskBytes += data.length;
      let offset = before;
      for (const append of batch) {
        if (this.records === 0) {
          this.head = { segment: segment.seq, offset };
          this.oldest = append.record.readDoubleLE(8);
        }
        this.records++;
        this.pendingBytes += append.record.length;
        this.byTag.set(append.tag, (this.byTag.get(append.tag) ?? 0) + 1);
        offset += append.record.length;
      }
      for (const append of batch) append.resolve();
    } catch (error) {
      // A write cut short must not stay in front of the next records: cut the segment back.
      if (before >= 0 && this.writer) {
        await this.writer.handle.truncate(before).catch((truncateError: unknown) => {
          this.broken = truncateError as Error;
        });
      }
      this.logger.error('spool append failed', { folder: this.folder, error });
      const refused = new SpoolFullError(`the spool could not write: ${(error as Error).message}`, {
        cause: error,
      });
      for (const append of batch) append.reject(refused);
    }
  }

  private lastSegment(): Segment | undefined {
    return this.segments[this.segments.length - 1];
  }

  private async rotate(): Promise<void> {
    await this.writer?.handle.close();
    const seq = this.nextSeq++;
    const handle = await open(join(this.folder, segmentName(seq)), 'a');
    this.writer = { seq, handle };
    this.segments.push({ seq, bytes: 0 });
    await syncFolder(this.folder);
  }

  private async readerOf(seq: number): Promise<FileHandle> {
    if (this.reader?.seq === seq) return this.reader.handle;
    await this.reader?.handle.close();
    this.reader = undefined;
    const handle = await open(join(this.folder, segmentName(seq)), 'r');
    this.reader = { seq, handle };
    return handle;
  }

  /**
   * Moves the head `bytes` forward past a pending record of `tag` (or past filler, or only over a
   * segment end, when `tag` is undefined), deletes segments left behind, and persists the cursor.
   */
  private async advance(bytes: number, tag: number | undefined): Promise<void> {
    this.head = { segment: this.head.segment, offset: this.head.offset + bytes };
    if (tag !== undefined) {
      this.records--;
      this.pendingBytes -= bytes;
      this.byTag.set(tag, (this.byTag.get(tag) ?? 1) - 1);
    }
    let removed = false;
    if (this.records === 0) {
      // Drained: every segment goes; the next append starts a new one.
      await this.writer?.handle.close();
      await this.reader?.handle.close();
      this.writer = this.reader = undefined;
      for (const segment of this.segments) await unlink(join(this.folder, segmentName(segment.seq)));
      removed = this.segments.length > 0;
      this.segments = [];
      this.diskBytes = 0;
      this.pendingBytes = 0;
      this.byTag.clear();
      this.head = { segment: this.nextSeq, offset: 0 };
      this.oldest = undefined;
    } else {
      for (;;) {
        const first = this.segments[0];
        if (!first || first.seq !== this.head.segment || this.head.offset < first.bytes) break;
        if (this.segments.length === 1) break; // the segment being written stays
        if (this.reader?.seq === first.seq) {
          await this.reader.handle.close();
          this.reader = undefined;
        }
        await unlink(join(this.folder, segmentName(first.seq)));
        removed = true;
        this.segments.shift();
        this.diskBytes -= first.bytes;
        this.head = { segment: this.segments[0]!.seq, offset: 0 };
      }
      this.oldest = await this.appendedAtOfHead();
    }
    if (removed) await syncFolder(this.folder);
    await this.writeCursor(removed);
  }

  private async appendedAtOfHead(): Promise<number | undefined> {
    const segment = this.segments.find((s) => s.seq === this.head.segment);
    if (!segment || this.head.offset + RECORD_HEADER_BYTES > segment.bytes) return this.oldest;
    const header = await readAt(await this.readerOf(segment.seq), this.head.offset, RECORD_HEADER_BYTES);
    const framing = classifyAt(header, this.head.offset, segment.bytes);
    return framing.kind === 'record' && framing.header.tag !== SKIPPED_TAG
      ? framing.header.appendedAt
      : this.oldest;
  }

  /**
   * Rewrites the cursor in place. A process crash keeps it (the page cache survives the process);
   * only a power loss can lose an unsynced one, and then records already stored are stored again
   * (skipped as duplicates): so it is fsync'd only with segment removals and at close, not per ack.
   */
  private async writeCursor(sync: boolean): Promise<void> {
    if (!this.cursorHandle) {
      // O_RDWR | O_CREAT without O_APPEND: the cursor is rewritten in place at offset 0.
      this.cursorHandle = await open(join(this.folder, CURSOR_FILE), constants.O_RDWR | constants.O_CREAT);
      await syncFolder(this.folder);
    }
    await writeAll(this.cursorHandle, encodeCursor(this.head), 0);
    if (sync) await this.cursorHandle.datasync();
  }

  private async saveDamaged(segment: number, offset: number, bytes: Buffer, what: string): Promise<void> {
    await saveDamaged(this.folder, segment, offset, bytes, what, this.logger);
    this.damagedFiles++;
  }

  private lostTrack(reason: string): undefined {
    this.logger.error('spool: lost track of its records, counting them as gone', {
      folder: this.folder,
      reason,
      records: this.records,
    });
    this.records = 0;
    this.pendingBytes = 0;
    this.byTag.clear();
    this.oldest = undefined;
    return undefined;
  }
}
