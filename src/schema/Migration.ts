/** One migration of pgtel's schema, as the code ships it (generated from `sql/migrations`). */
export interface Migration {
  /** The `NNNN` of `NNNN_name.sql`: what identifies an applied migration. */
  version: number;
  /** The `name` of `NNNN_name.sql`; it may change (a rename) without the migration running again. */
  name: string;
  sql: string;
  /**
   * sha256 in hex of the statements of `sql` without comments and with whitespace runs made one
   * space (so correcting a comment changes nothing), stored in `schema_migrations.checksum` when applied.
   */
  checksum: string;
  /**
   * sha256 of the whole file, as pgtel recorded it before checksums ignored comments: a stored
   * checksum equal to it matches too. Only the migrations that existed then have one.
   */
  wholeFileChecksum?: string;
  /**
   * True when the file's header has a `-- pgtel: breaking` line: code of a release before it cannot
   * run against the schema once it is applied. Default (no such line): additive, so it can.
   */
  breaking?: boolean;
}
