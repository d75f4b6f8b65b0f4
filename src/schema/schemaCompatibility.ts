import type { Migration } from './Migration.js';

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  version: number;
  name: string;
  checksum: string;
  /** Recorded when applied; false for rows written before pgtel recorded it. */
  breaking: boolean;
}

/** An applied migration whose stored checksum differs from the code's: its SQL changed after it ran. */
export interface ChecksumMismatch {
  version: number;
  name: string;
  /** Checksum in `schema_migrations`. */
  stored: string;
  /** Checksum of the migration this pgtel ships (over its statements, comments ignored). */
  expected: string;
}

/** How a database's applied migrations stand against the migrations a pgtel knows. */
export interface SchemaCompatibility {
  /** Known migrations not applied yet, in version order. */
  pending: Migration[];
  /** Applied migrations this pgtel does not know (a newer pgtel applied them). */
  newer: AppliedMigration[];
  /** Those of `newer` that are breaking: this pgtel must not run against the schema. */
  breakingAhead: AppliedMigration[];
  checksumMismatches: ChecksumMismatch[];
  /** Applied migrations recorded under another name than the code's (a renamed file). */
  renamed: { version: number; from: string; to: string }[];
  /** Newest applied version (0 when none). */
  schemaVersion: number;
  /** Newest known version (0 when none). */
  codeVersion: number;
}

/**
 * Compares applied and known migrations. The rule: a migration is identified by its version; a
 * newer schema is fine when every migration this pgtel does not know is additive (code of a
 * release runs against the schema of the next one), and refused only when one is breaking.
 */
export function schemaCompatibility(
  applied: readonly AppliedMigration[],
  known: readonly Migration[],
): SchemaCompatibility {
  const byVersion = new Map(applied.map((m) => [m.version, m]));
  const knownVersions = new Set(known.map((m) => m.version));
  const newer = applied.filter((m) => !knownVersions.has(m.version)).sort((a, b) => a.version - b.version);
  const result: SchemaCompatibility = {
    pending: [],
    newer,
    breakingAhead: newer.filter((m) => m.breaking),
    checksumMismatches: [],
    renamed: [],
    schemaVersion: Math.max(0, ...applied.map((m) => m.version)),
    codeVersion: Math.max(0, ...known.map((m) => m.version)),
  };
  for (const migration of [...known].sort((a, b) => a.version - b.version)) {
    const stored = byVersion.get(migration.version);
    if (!stored) {
      result.pending.push(migration);
      continue;
    }
    if (stored.checksum !== migration.checksum && stored.checksum !== migration.wholeFileChecksum) {
      result.checksumMismatches.push({
        version: migration.version,
        name: migration.name,
        stored: stored.checksum,
        expected: migration.checksum,
      });
    }
    if (stored.name !== migration.name) {
      result.renamed.push({ version: migration.version, from: stored.name, to: migration.name });
    }
  }
  return result;
}

/** `NNNN_name`, as the migration's file is named. */
export function migrationLabel(migration: { version: number; name: string }): string {
  return `${String(migration.version).padStart(4, '0')}_${migration.name}`;
}

/** One line per mismatch, saying what differs and what it means. */
export function describeChecksumMismatch(mismatch: ChecksumMismatch): string {
  return (
    `migration ${migrationLabel(mismatch)} was applied with checksum ${mismatch.stored.slice(0, 12)}, ` +
    `this pgtel ships ${mismatch.expected.slice(0, 12)}: its SQL changed after it was applied`
  );
}
