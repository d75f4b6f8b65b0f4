import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

/** CRC-32 (IEEE, as zlib and gzip) computed in JavaScript, for Node versions without `zlib.crc32`. */
function tableCrc32(data: Uint8Array, initial: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (initial ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// zlib.crc32 exists from Node 20.15 (native, fast); older 20.x fall back to the table.
const native = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data`, continuing from `initial` (the CRC of what came before; default 0). */
export function crc32(data: Uint8Array, initial = 0): number {
  return native ? native(data, initial) : tableCrc32(data, initial);
}

export { tableCrc32 as crc32InJavaScript };
