import { describe, expect, it } from 'vitest';
import type { Migration } from '../../../src/schema/Migration.js';
import {
  type AppliedMigration,
  describeChecksumMismatch,
  schemaCompatibility,
} from '../../../src/schema/schemaCompatibility.js';

const known: Migration[] = [
  { version: 1, name: 'base', sql: '', checksum: 'c1' },
  { version: 2, name: 'more', sql: '', checksum: 'c2' },
  { version: 3, name: 'most', sql: '', checksum: 'c3' },
];
const applied = (version: number, extra: Partial<AppliedMigration> = {}): AppliedMigration => ({
  version,
  name: known.find((m) => m.version === version)?.name ?? `v${version}`,
  checksum: `c${version}`,
  breaking: false,
  ...extra,
});

describe('schemaCompatibility', () => {
  it('lists what is pending on an older schema', () => {
    const result = schemaCompatibility([applied(1)], known);
    expect(result.pending.map((m) => m.version)).toEqual([2, 3]);
    expect(result).toMatchObject({ newer: [], breakingAhead: [], schemaVersion: 1, codeVersion: 3 });
  });

  it('accepts a newer schema whose extra migrations are additive, and tells which are breaking', () => {
    const newer = schemaCompatibility(
      [1, 2, 3, 4, 5].map((v) => applied(v)),
      known,
    );
    expect(newer).toMatchObject({ pending: [], breakingAhead: [], schemaVersion: 5, codeVersion: 3 });
    expect(newer.newer.map((m) => m.version)).toEqual([4, 5]);
    const breaking = schemaCompatibility(
      [applied(1), applied(2), applied(3), applied(4), applied(5, { breaking: true })],
      known,
    );
    expect(breaking.breakingAhead.map((m) => m.version)).toEqual([5]);
  });

  it('reports changed checksums and renamed files of applied migrations', () => {
    const result = schemaCompatibility(
      [applied(1, { name: 'old' }), applied(2, { checksum: 'other' }), applied(3)],
      known,
    );
    expect(result.renamed).toEqual([{ version: 1, from: 'old', to: 'base' }]);
    expect(result.checksumMismatches).toEqual([
      { version: 2, name: 'more', stored: 'other', expected: 'c2' },
    ]);
    expect(describeChecksumMismatch(result.checksumMismatches[0]!)).toBe(
      'migration 0002_more was applied with checksum other, this pgtel ships c2: its SQL changed after it was applied',
    );
  });

  it('matches a migration recorded with its earlier whole-file checksum, and nothing else', () => {
    const withWhole: Migration[] = known.map((m) => ({ ...m, wholeFileChecksum: `w${m.version}` }));
    const result = schemaCompatibility(
      [applied(1, { checksum: 'w1' }), applied(2), applied(3, { checksum: 'w2' })],
      withWhole,
    );
    expect(result.checksumMismatches).toEqual([{ version: 3, name: 'most', stored: 'w2', expected: 'c3' }]);
  });
});
