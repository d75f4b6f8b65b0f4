import { basename, dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spoolFolder, spoolRoot } from '../../../src/spool/spoolFolder.js';

const base = {
  spoolDir: undefined,
  dataDir: './.pgtel/data',
  databaseUrl: undefined,
  schema: 'observability',
};

describe('spoolFolder', () => {
  it('sits beside the embedded data folder unless spoolDir says otherwise', () => {
    expect(spoolRoot(base)).toBe(resolve('.pgtel/spool'));
    expect(spoolRoot({ ...base, dataDir: '/var/lib/pgtel/data' })).toBe('/var/lib/pgtel/spool');
    expect(spoolRoot({ ...base, dataDir: 'memory://' })).toBe(resolve('.pgtel/spool'));
    expect(spoolRoot({ ...base, spoolDir: '/srv/spool' })).toBe('/srv/spool');
    expect(dirname(spoolFolder(base))).toBe(resolve('.pgtel/spool'));
  });

  it('gives each destination (database and schema) its own folder, whatever the credentials', () => {
    const url = (s: string) => spoolFolder({ ...base, databaseUrl: s });
    const a = url('postgres://app:secret@db.example:5432/shop');
    expect(url('postgres://other:changed@db.example/shop')).toBe(a); // same server, port and database
    expect(url('postgres://app@db.example:5433/shop')).not.toBe(a);
    expect(url('postgres://app@db.example:5432/billing')).not.toBe(a);
    expect(
      spoolFolder({ ...base, databaseUrl: 'postgres://app@db.example/shop', schema: 'telemetry' }),
    ).not.toBe(a);
    expect(spoolFolder(base)).not.toBe(spoolFolder({ ...base, dataDir: '/elsewhere/data' }));
    expect(basename(a)).toMatch(/^observability-[0-9a-f]{12}$/);
    expect(a).not.toContain('secret');
  });

  it('names the folder after the schema, made safe for a file name', () => {
    expect(basename(spoolFolder({ ...base, schema: 'a/b c"d' }))).toMatch(/^a_b_c_d-[0-9a-f]{12}$/);
    expect(join(spoolFolder(base), '..')).toBe(resolve('.pgtel/spool'));
  });
});
