import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/runCli.js';
import { useCliDatabase } from '../../helpers/cliDatabase.js';
import { insertLogRows } from '../../helpers/insertLogRows.js';

// No server: the CLI opens the database and answers through the in-process API app, the live tail
// included.
const env = useCliDatabase('cli-logs', (db) =>
  insertLogRows(db, [{ at: new Date(Date.now() - 60_000), body: 'stored before', service: 'direct' }]),
);

describe('pgtel logs --follow without a server', () => {
  it('prints the recent records, follows, and stops cleanly when interrupted', async () => {
    const stop = new AbortController();
    let out = '';
    let started: () => void;
    const printed = new Promise<void>((resolve) => {
      started = resolve;
    });
    const run = runCli(['logs', '--follow', '--service', 'direct'], {
      out: (t) => {
        out += t;
        started();
      },
      err: () => {},
      env,
      signal: stop.signal,
    });
    await printed;
    expect(out).toMatch(/INFO {2}direct {2}stored before\n/);
    // Give the tail time to be streaming, then interrupt it as Ctrl-C does.
    await new Promise((r) => setTimeout(r, 500));
    const interrupted = Date.now();
    stop.abort();
    expect(await run).toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(3000);
  });
});
