import { randomBytes } from 'node:crypto';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

function randomHex(bytes: number): string {
  for (;;) {
    const hex = randomBytes(bytes).toString('hex');
    if (!/^0+$/.test(hex)) return hex;
  }
}

/** A random 128-bit trace id: 32 lowercase hex characters, never all zeros. */
export function randomTraceId(): string {
  return randomHex(16);
}

/** A random 64-bit span id: 16 lowercase hex characters, never all zeros. */
export function randomSpanId(): string {
  return randomHex(8);
}

export function isValidTraceId(id: string): boolean {
  return TRACE_ID.test(id) && !/^0+$/.test(id);
}

export function isValidSpanId(id: string): boolean {
  return SPAN_ID.test(id) && !/^0+$/.test(id);
}
