import { describe, expect, it } from 'vitest';
import { readServerSentEvents } from '../../../src/cli/api/readServerSentEvents.js';

/** A body that sends `chunks`, then stays open until cancelled (reporting the cancel). */
function openBody(chunks: string[], onCancel: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
    },
    cancel: onCancel,
  });
}

describe('readServerSentEvents', () => {
  it('reads events split across chunks, skips comments, joins data lines', async () => {
    const body = openBody(
      [
        'event: ready\ndata: {"a"',
        ':1}\n\n: heartbeat\n\n',
        'data: one\ndata: two\n\nevent: logs\r\ndata: []\r\n\r\n',
      ],
      () => {},
    );
    const abort = new AbortController();
    const seen: { event: string; data: string }[] = [];
    for await (const e of readServerSentEvents(body, abort.signal)) {
      seen.push(e);
      if (seen.length === 3) abort.abort();
    }
    expect(seen).toEqual([
      { event: 'ready', data: '{"a":1}' },
      { event: 'message', data: 'one\ntwo' },
      { event: 'logs', data: '[]' },
    ]);
  });

  it('ends and cancels the body when the signal aborts while waiting', async () => {
    let cancelled = false;
    const body = openBody(['event: ready\ndata: {}\n\n'], () => {
      cancelled = true;
    });
    const abort = new AbortController();
    const seen: string[] = [];
    const reading = (async () => {
      for await (const e of readServerSentEvents(body, abort.signal)) seen.push(e.event);
    })();
    await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await reading;
    expect(seen).toEqual(['ready']);
    expect(cancelled).toBe(true);
  });
});
