import type { RawId } from './rawOtlp.js';

const HEX_ID = /^[0-9a-f]+$/;

function isAllZero(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte !== 0) return false;
  return true;
}

/**
 * A trace id (16 bytes) or span id (8 bytes) as lowercase hex: `''` when absent (empty), `null` when
 * invalid (wrong length, not hex, or all zeros, which W3C Trace Context forbids).
 */
export function idToHex(raw: RawId | null | undefined, bytes: 8 | 16): string | null {
  if (raw == null || raw.length === 0) return '';
  if (typeof raw === 'string') {
    const hex = raw.toLowerCase();
    return hex.length === bytes * 2 && HEX_ID.test(hex) && !/^0+$/.test(hex) ? hex : null;
  }
  if (raw.length !== bytes || isAllZero(raw)) return null;
  return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('hex');
}
