import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';
import { useTestServer } from '../../helpers/testServer.js';

// The CLI reaches a running pgtel serve (in this process) over HTTP, as with `--url`.
const ctx = useTestServer();
const TRACE = '7e'.repeat(16);

async function pgtel(
  args: string[],
  options: { isTTY?: boolean; signal?: AbortSignal; onOut?: (text: string) => void } = {},
) {
  let out = '';
  let err = '';
  const code = await runCli(args, {
    out: (t) => {
      out += t;
      options.onOut?.(out);
    },
    err: (t) => {
      err += t;
    },
    env: { PGTEL_URL: ctx.server.url },
    ...(options.isTTY ? { isTTY: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { code, out, err };
}

describe('pgtel logs', () => {
  it('prints matching records oldest first, coloured by severity on a terminal', async () => {
    const now = Date.now();
    await insertLogRows(ctx.server.db, [
      { at: new Date(now - 120_000), body: 'cli: starting worker', severityNumber: 9, service: 'cli-svc' },
      { at: new Date(now - 60_000), body: 'cli: queue is slow', severityNumber: 13, service: 'cli-svc' },
      {
        at: new Date(now - 30_000),
        body: 'cli: job crashed\nstack',
        severityNumber: 17,
        service: 'cli-svc',
        traceId: TRACE,
      },
      { at: new Date(now - 20 * 60_000), body: 'cli: old crash', severityNumber: 17, service: 'cli-svc' },
      { at: new Date(now - 10_000), body: 'cli: other service', severityNumber: 17, service: 'other' },
    ]);
    const plain = await pgtel(['logs', '--service', 'cli-svc', '--since', '15m']);
    expect(plain.code).toBe(0);
    const lines = plain.out.trim().split('\n');
    expect(lines.map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'INFO  cli-svc  cli: starting worker',
      'WARN  cli-svc  cli: queue is slow',
      `ERROR cli-svc  cli: job crashed\\nstack  trace=${TRACE}`,
    ]);
    const coloured = await pgtel(['logs', '--service', 'cli-svc', '--severity', 'warn', '--since', '15m'], {
      isTTY: true,
    });
    expect(coloured.out).toContain('\u001b[33mWARN \u001b[39m');
    expect(coloured.out).toContain('\u001b[31mERROR\u001b[39m');
    expect(coloured.out).not.toContain('starting worker');
  });

  it('filters by words (as written: no stemming), trace and age, and prints the page as JSON', async () => {
    expect(
      JSON.parse((await pgtel(['logs', '--grep', 'crash', '--since', '5m', '--json'])).out).logs,
    ).toEqual([]);
    const found = await pgtel(['logs', '--grep', 'crashed or crash', '--since', '1h', '--json']);
    const page = JSON.parse(found.out);
    expect(page.logs.map((l: { body: string }) => l.body)).toEqual([
      'cli: job crashed\nstack',
      'cli: old crash',
    ]);
    const byTrace = JSON.parse((await pgtel(['logs', '--trace', TRACE, '--json'])).out);
    expect(byTrace.logs).toHaveLength(1);
    const recent = JSON.parse(
      (await pgtel(['logs', '--grep', 'crashed or crash', '--since', '5m', '--json'])).out,
    );
    expect(recent.logs).toHaveLength(1);
  });

  it('refuses bad options as usage errors, naming them', async () => {
    const severity = await pgtel(['logs', '--severity', 'loud']);
    expect(severity.code).toBe(2);
    expect(severity.err).toMatch(/severity must be one of trace, debug, info, warn, error, fatal/);
    const since = await pgtel(['logs', '--since', 'soon']);
    expect(since.code).toBe(2);
    expect(since.err).toMatch(/--since must be a duration/);
    expect((await pgtel(['logs', '--trace', 'nope'])).err).toMatch(/traceId must be 32 hex/);
  });

  it('--follow prints the records stored after it started until it is stopped', async () => {
    const stop = new AbortController();
    let ready: () => void;
    const printed = new Promise<void>((resolve) => {
      ready = resolve;
    });
    const run = pgtel(['logs', '--follow', '--service', 'follow-svc'], {
      signal: stop.signal,
      onOut: (out) => {
        if (out.includes('followed line')) ready();
      },
    });
    // The tail starts from the moment it connects: insert until the first record shows.
    const inserting = setInterval(
      () =>
        void insertLogRows(ctx.server.db, [{ at: new Date(), body: 'followed line', service: 'follow-svc' }]),
      300,
    );
    try {
      await printed;
    } finally {
      clearInterval(inserting);
    }
    stop.abort();
    const result = await run;
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/INFO {2}follow-svc {2}followed line\n/);
  });
});
