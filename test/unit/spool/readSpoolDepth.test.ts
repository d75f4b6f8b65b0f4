import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderSpoolDepth } from '../../../src/cli/commands/status.js';
import { readSpoolDepth } from '../../../src/spool/readSpoolDepth.js';
import { Spool } from '../../../src/spool/Spool.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';

const root = mkdtempSync(join(tmpdir(), 'pgtel-spool-depth-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('readSpoolDepth', () => {
  it('reads every slot from disk: pending records after the cursor, bytes, oldest, dead letters, holder', async () => {
    const destination = join(root, 'observability-0123456789ab');
    const clock = new ManualClock('2026-05-01T10:00:00Z');
    const first = await Spool.open(join(destination, '0'), { maxBytes: 1024 * 1024, clock });
    for (const p of ['a', 'b', 'c']) {
      await first.append(Buffer.from(p), 1);
      clock.advance(1000);
    }
    await first.ack((await first.next())!);
    await first.deadLetter((await first.next())!);
    const second = await Spool.open(join(destination, '1'), { maxBytes: 1024 * 1024, clock });
    await second.append(Buffer.from('dd'), 2);
    writeFileSync(join(destination, '1.lock'), String(process.pid)); // held by a live process
    const depth = await readSpoolDepth(destination);
    expect(depth).toMatchObject({
      folder: destination,
      records: 2,
      bytes: first.stats().bytes + second.stats().bytes,
      oldestAppendedAt: Date.parse('2026-05-01T10:00:02Z'),
      deadLetters: 1,
    });
    expect(depth.slots.map((s) => [s.records, s.holderPid])).toEqual([
      [1, undefined],
      [1, process.pid],
    ]);
    expect(renderSpoolDepth(depth, Date.parse('2026-05-01T10:01:02Z'))).toBe(
      `Spool:    2 requests, ${depth.bytes} B waiting to be stored, oldest 1m00s ago (${destination})\n` +
        '          1 request refused by the database kept in dead-letter.log files\n',
    );
    await first.close();
    await second.close();
  });

  it('reads a missing folder as an empty spool', async () => {
    const depth = await readSpoolDepth(join(root, 'nothing-here'));
    expect(depth).toMatchObject({ records: 0, bytes: 0, oldestAppendedAt: undefined, slots: [] });
    expect(renderSpoolDepth(depth, 0)).toBe(`Spool:    empty (${join(root, 'nothing-here')})\n`);
    expect(renderSpoolDepth(undefined, 0)).toBe('Spool:    off (spoolMaxBytes=0)\n');
  });
});
