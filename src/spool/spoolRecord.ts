import { crc32 } from './crc32.js';

/*
 * One record of a spool segment file, little-endian:
 *   0  u32  magic 0x70677370 ("pgsp")
 *   4  u32  payload length
 *   8  f64  appendedAt (epoch ms)
 *  16  u32  tag (what the payload is; the spool does not interpret it)
 *  20  u32  CRC-32 of the payload
 *  24  u32  CRC-32 of bytes 0..24 (the header itself)
 *  28  payload
 * The header has its own CRC so that a length field is trusted only when intact: a valid header
 * whose payload runs past the end of the file is a write cut short (torn), never a rotten length.
 */

export const RECORD_MAGIC = 0x70677370;
export const RECORD_HEADER_BYTES = 28;
/** Tag of a record that failed its CRC, was saved aside, and was rewritten as filler to skip. */
export const SKIPPED_TAG = 0;

export interface RecordHeader {
  payloadBytes: number;
  appendedAt: number;
  tag: number;
  payloadCrc: number;
}

/** Frames `payload` as one record. */
export function encodeRecord(payload: Uint8Array, tag: number, appendedAt: number): Buffer {
  const record = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  record.writeUInt32LE(RECORD_MAGIC, 0);
  record.writeUInt32LE(payload.length, 4);
  record.writeDoubleLE(appendedAt, 8);
  record.writeUInt32LE(tag >>> 0, 16);
  record.writeUInt32LE(crc32(payload), 20);
  record.writeUInt32LE(crc32(record.subarray(0, 24)), 24);
  record.set(payload, RECORD_HEADER_BYTES);
  return record;
}

/** Reads a header: `undefined` unless its magic and its own CRC are right. */
export function decodeHeader(header: Buffer): RecordHeader | undefined {
  if (header.length < RECORD_HEADER_BYTES || header.readUInt32LE(0) !== RECORD_MAGIC) return undefined;
  if (crc32(header.subarray(0, 24)) !== header.readUInt32LE(24)) return undefined;
  return {
    payloadBytes: header.readUInt32LE(4),
    appendedAt: header.readDoubleLE(8),
    tag: header.readUInt32LE(16),
    payloadCrc: header.readUInt32LE(20),
  };
}

/** Whether `payload` is the one its header's CRC was computed over. */
export function payloadMatches(header: RecordHeader, payload: Uint8Array): boolean {
  return crc32(payload) === header.payloadCrc;
}

export type Framing =
  | { kind: 'record'; header: RecordHeader; bytes: number }
  | { kind: 'torn' }
  | { kind: 'damaged' };

/**
 * What lies at `offset` of a segment of `fileBytes` bytes, judged from the (up to 28) bytes there:
 * - `record`: an intact header of a complete record of `bytes` bytes (its payload CRC still to check);
 * - `torn`: a write cut short (the file ends inside the header or the payload), what a crash leaves
 *   at the tail of the segment being written;
 * - `damaged`: not a record header: where the next record starts cannot be known.
 */
export function classifyAt(header: Buffer, offset: number, fileBytes: number): Framing {
  const available = fileBytes - offset;
  if (available < RECORD_HEADER_BYTES) {
    // A short header is torn when what is there could be the start of one (the magic, or part of it).
    const magic = Buffer.alloc(4);
    magic.writeUInt32LE(RECORD_MAGIC, 0);
    const present = header.subarray(0, Math.min(available, 4));
    return magic.subarray(0, present.length).equals(present) ? { kind: 'torn' } : { kind: 'damaged' };
  }
  const decoded = decodeHeader(header);
  if (!decoded) return { kind: 'damaged' };
  const bytes = RECORD_HEADER_BYTES + decoded.payloadBytes;
  return bytes > available ? { kind: 'torn' } : { kind: 'record', header: decoded, bytes };
}
