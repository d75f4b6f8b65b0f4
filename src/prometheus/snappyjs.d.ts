/** Types of the `snappyjs` package (pure JavaScript Snappy, block format). */
declare module 'snappyjs' {
  /** Decompresses a Snappy block; throws when it is malformed or declares more than `maxLength` bytes. */
  export function uncompress(compressed: Uint8Array, maxLength?: number): Uint8Array;
  export function compress(uncompressed: Uint8Array): Uint8Array;
}
