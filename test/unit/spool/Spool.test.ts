import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Spool, type SpoolOptions } from '../../../src/spool/Spool.js';
import { SpoolFullError } from '../../../src/spool/SpoolFullError.js';
import { DEAD_LETTER_FILE, segmentName } from '../../../src/spool/spoolFiles.js';
import { RECORD_HEADER_BYTES } from '../../../src/spool/spoolRecord.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';

const root = mkdtempSync(join(tmpdir(), 'pgtel-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const newFolder = () => join(root, `s${folders++}`);

const text = (s: string) => Buffer.from(s);
const segments = (folder: string) => readdirSync(folder).filter((n) => n.startsWith('segment-'));

async function drain(spool: Spool): Promise<string[]> {
  const seen: string[] = [];
  for (let entry = await spool.next(); entry; entry = await spool.next()) {
    seen.push(entry.payload.toString());
    await spool.ack(entry);
  }
  return seen;
}

function open(folder: string, options: Partial<SpoolOptions> = {}): Promise<Spool> {
  return Spool.open(folder, { maxBytes: 1024 * 1024, ...options });
}

describe('Spool', () => {
  it('returns records in append order, the same one until it is acknowledged', async () => {
    const clock = new ManualClock('2026-05-01T00:00:00Z');
    const spool = await open(newFolder(), { clock });
    await spool.append(text('a'), 1);
    clock.advance(1000);
    await spool.append(text('bb'), 2);
    expect(spool.stats()).toMatchObject({
      records: 2,
      bytes: 2 * RECORD_HEADER_BYTES + 3,
      oldestAppendedAt: Date.parse('2026-05-01T00:00:00Z'),
    });
    expect(spool.pending(1)).toBe(1);
    expect(spool.pending(2)).toBe(1);
    const first = await spool.next();
    expect(first).toMatchObject({ tag: 1, appendedAt: Date.parse('2026-05-01T00:00:00Z') });
    expect(first!.payload.toString()).toBe('a');
    expect((await spool.next())!.payload.toString()).toBe('a');
    await spool.ack(first!);
    expect(spool.stats().oldestAppendedAt).toBe(Date.parse('2026-05-01T00:00:01Z'));
    expect(spool.pending(1)).toBe(0);
    const second = await spool.next();
    expect(second!.payload.toString()).toBe('bb');
    await expect(spool.ack(first!)).rejects.toThrow(/oldest record/);
    await spool.ack(second!);
    expect(await spool.next()).toBeUndefined();
    expect(spool.stats()).toMatchObject({ records: 0, bytes: 0, diskBytes: 0, oldestAppendedAt: undefined });
    await spool.close();
  });

  it('keeps the order of concurrent appends, written together', async () => {
    const spool = await open(newFolder());
    const payloads = Array.from({ length: 200 }, (_, i) => `r${i}`);
    await Promise.all(payloads.map((p) => spool.append(text(p), 1)));
    expect(await drain(spool)).toEqual(payloads);
    await spool.close();
  });

  it('keeps unacknowledged records across a crash and a reopen, and not the acknowledged ones', async () => {
    const folder = newFolder();
    const spool = await open(folder);
    for (const p of ['a', 'b', 'c']) await spool.append(text(p), 1);
    await spool.ack((await spool.next())!);
    // No close: the process "died" here.
    const reopened = await open(folder);
    expect(reopened.stats().records).toBe(2);
    expect(await drain(reopened)).toEqual(['b', 'c']);
    await reopened.close();
    await spool.close();
  });

  it('cuts off a record torn by a crash at the tail and keeps the ones before it', async () => {
    const folder = newFolder();
    const spool = await open(folder);
    for (const p of ['first', 'second', 'third']) await spool.append(text(p), 1);
    await spool.close();
    const file = join(folder, segments(folder)[0]!);
    truncateSync(file, statSync(file).size - 3); // the third record's last bytes never reached the disk
    const reopened = await open(folder);
    expect(reopened.stats().records).toBe(2);
    expect(await drain(reopened)).toEqual(['first', 'second']);
    expect(readdirSync(folder).some((n) => n.startsWith('damaged-'))).toBe(false);
    // A new append after recovery lands in a fresh segment, never behind the cut.
    await reopened.append(text('fourth'), 1);
    expect(await drain(reopened)).toEqual(['fourth']);
    await reopened.close();
  });

  it('drops a header cut in the middle', async () => {
    const folder = newFolder();
    const spool = await open(folder);
    await spool.append(text('whole'), 1);
    await spool.append(text('torn'), 1);
    await spool.close();
    const file = join(folder, segments(folder)[0]!);
    truncateSync(file, RECORD_HEADER_BYTES + 5 + 10);
    const reopened = await open(folder);
    expect(await drain(reopened)).toEqual(['whole']);
    await reopened.close();
  });

  it('moves a record whose CRC does not match aside, once, and delivers the others', async () => {
    const folder = newFolder();
    const spool = await open(folder);
    for (const p of ['one', 'two', 'three']) await spool.append(text(p), 1);
    await spool.close();
    const file = join(folder, segments(folder)[0]!);
    const bytes = readFileSync(file);
    const secondPayload = RECORD_HEADER_BYTES + 3 + RECORD_HEADER_BYTES;
    bytes[secondPayload + 1] = bytes[secondPayload + 1]! ^ 0xff; // "two" -> rotten
    writeFileSync(file, bytes);
    const reopened = await open(folder);
    expect(reopened.stats().records).toBe(2);
    const damaged = readdirSync(folder).filter((n) => n.startsWith('damaged-'));
    expect(damaged).toHaveLength(1);
    expect(readFileSync(join(folder, damaged[0]!)).subarray(RECORD_HEADER_BYTES).toString('latin1')).toBe(
      `t${String.fromCharCode('w'.charCodeAt(0) ^ 0xff)}o`,
    );
    await reopened.close();
    // Opening again neither counts it nor saves it aside a second time.
    const again = await open(folder);
    expect(again.stats().records).toBe(2);
    expect(readdirSync(folder).filter((n) => n.startsWith('damaged-'))).toHaveLength(1);
    expect(await drain(again)).toEqual(['one', 'three']);
    await again.close({ removeIfEmpty: true });
    expect(readdirSync(folder).some((n) => n.startsWith('damaged-'))).toBe(true); // kept for an operator
  });

  it('saves bytes that are not records aside instead of dropping them', async () => {
    const folder = newFolder();
    const spool = await open(folder, { segmentBytes: 1 });
    for (const p of ['a', 'b']) await spool.append(text(p), 1);
    await spool.close();
    const [first] = segments(folder);
    writeFileSync(
      join(folder, first!),
      Buffer.concat([readFileSync(join(folder, first!)), text('garbage!')]),
    );
    const reopened = await open(folder);
    expect(await drain(reopened)).toEqual(['a', 'b']);
    const damaged = readdirSync(folder).filter((n) => n.startsWith('damaged-'));
    expect(damaged.map((n) => readFileSync(join(folder, n)).toString())).toEqual(['garbage!']);
    await reopened.close();
  });

  it('rotates segments and deletes each one once drained', async () => {
    const folder = newFolder();
    const spool = await open(folder, { segmentBytes: 50 });
    const payloads = Array.from({ length: 10 }, (_, i) => `record-${i}-${'x'.repeat(40)}`);
    for (const p of payloads) await spool.append(text(p), 1);
    expect(segments(folder).length).toBe(10);
    expect(spool.stats().diskBytes).toBe(spool.stats().bytes);
    for (let i = 0; i < 4; i++) await spool.ack((await spool.next())!);
    expect(segments(folder)).toEqual(
      Array.from({ length: 6 }, (_, i) => segmentName(Number(segments(folder)[0]!.slice(8, 24)) + i)),
    );
    expect(segments(folder).length).toBe(6);
    await spool.close();
    const reopened = await open(folder, { segmentBytes: 50 });
    expect(await drain(reopened)).toEqual(payloads.slice(4));
    expect(segments(folder)).toEqual([]);
    await reopened.close({ removeIfEmpty: true });
    expect(() => readdirSync(folder)).toThrow(/ENOENT/);
  });

  it('refuses appends past its disk budget and takes them again once drained', async () => {
    const spool = await open(newFolder(), { maxBytes: 3 * (RECORD_HEADER_BYTES + 10) });
    for (let i = 0; i < 3; i++) await spool.append(Buffer.alloc(10, i), 1);
    const refused = spool.append(Buffer.alloc(10), 1);
    await expect(refused).rejects.toBeInstanceOf(SpoolFullError);
    await expect(refused).rejects.toMatchObject({ httpStatus: 503 });
    expect(spool.stats().records).toBe(3);
    await spool.ack((await spool.next())!);
    // The drained record shares a segment with pending ones: its bytes are still on disk.
    await expect(spool.append(Buffer.alloc(10), 1)).rejects.toBeInstanceOf(SpoolFullError);
    await drain(spool);
    await spool.append(Buffer.alloc(10), 1);
    expect(spool.stats().records).toBe(1);
    await spool.close();
  });

  it('moves a record refused for good to the dead-letter file, kept and counted across reopens', async () => {
    const folder = newFolder();
    const spool = await open(folder);
    await spool.append(text('poison'), 2);
    await spool.append(text('fine'), 1);
    await spool.deadLetter((await spool.next())!);
    expect(spool.stats()).toMatchObject({ records: 1, deadLetters: 1 });
    await spool.close();
    expect(readFileSync(join(folder, DEAD_LETTER_FILE)).subarray(RECORD_HEADER_BYTES).toString()).toBe(
      'poison',
    );
    const reopened = await open(folder);
    expect(reopened.stats()).toMatchObject({ records: 1, deadLetters: 1 });
    expect(await drain(reopened)).toEqual(['fine']);
    await reopened.close({ removeIfEmpty: true });
    expect(readdirSync(folder)).toContain(DEAD_LETTER_FILE);
  });

  it('refuses tag 0 and appends after close', async () => {
    const spool = await open(newFolder());
    await expect(spool.append(text('x'), 0)).rejects.toThrow(/tag/);
    await spool.close();
    await expect(spool.append(text('x'), 1)).rejects.toBeInstanceOf(SpoolFullError);
  });
});
