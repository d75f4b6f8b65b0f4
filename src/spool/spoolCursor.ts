import { crc32 } from './crc32.js';

/** Where the oldest unacknowledged record of a spool starts. */
export interface Position {
  segment: number;
  offset: number;
}

/** The cursor file of a spool folder, rewritten in place after every acknowledgement. */
export const CURSOR_FILE = 'cursor';
const CURSOR_MAGIC = 0x70677363; // "pgsc"
/** magic u32, segment f64, offset f64, CRC-32 of the 20 bytes before it. */
export const CURSOR_BYTES = 24;

export function encodeCursor(position: Position): Buffer {
  const buffer = Buffer.alloc(CURSOR_BYTES);
  buffer.writeUInt32LE(CURSOR_MAGIC, 0);
  buffer.writeDoubleLE(position.segment, 4);
  buffer.writeDoubleLE(position.offset, 12);
  buffer.writeUInt32LE(crc32(buffer.subarray(0, 20)), 20);
  return buffer;
}

/** The position, or undefined when the file is missing, short or damaged (then everything is pending). */
export function decodeCursor(buffer: Buffer): Position | undefined {
  if (buffer.length < CURSOR_BYTES || buffer.readUInt32LE(0) !== CURSOR_MAGIC) return undefined;
  if (crc32(buffer.subarray(0, 20)) !== buffer.readUInt32LE(20)) return undefined;
  return { segment: buffer.readDoubleLE(4), offset: buffer.readDoubleLE(12) };
}
