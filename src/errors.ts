/**
 * Stable error codes: callers branch on `code`, never on message text. Each is the `code` of an
 * error class below and of the HTTP error body `{ error: { code, message } }`; the last five exist
 * only in HTTP answers.
 */
export type PgtelErrorCode =
  | 'PGTEL_CONFIG'
  | 'PGTEL_DATABASE'
  | 'PGTEL_MIGRATION'
  | 'PGTEL_SCHEMA_TOO_NEW'
  | 'PGTEL_LOCKED'
  | 'PGTEL_INVALID'
  | 'PGTEL_NOT_FOUND'
  | 'PGTEL_CONFLICT'
  | 'PGTEL_TIMEOUT'
  | 'PGTEL_UNAVAILABLE'
  | 'PGTEL_OVERLOADED'
  /** 401: the bearer token is missing or wrong. */
  | 'PGTEL_UNAUTHORIZED'
  /** 403: a state change from another site's page (Origin or Sec-Fetch-Site). */
  | 'PGTEL_CROSS_SITE'
  /** 421: the Host header names no host this server answers to (DNS rebinding defence). */
  | 'PGTEL_MISDIRECTED_REQUEST'
  /** 405: the path exists, the method does not. */
  | 'PGTEL_METHOD_NOT_ALLOWED'
  /** 500: an unexpected failure; the message says little on purpose. */
  | 'PGTEL_INTERNAL';

/** Base class of every error pgtel throws on purpose. */
export class PgtelError extends Error {
  readonly code: PgtelErrorCode;

  constructor(code: PgtelErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An option or environment variable has an invalid value; the message names it and the fix. */
export class ConfigError extends PgtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PGTEL_CONFIG', message, options);
  }
}

/**
 * A statement failed. Carries the SQL text and the server's SQLSTATE, never the parameter values
 * (they may hold user data or secrets).
 */
export class DatabaseError extends PgtelError {
  readonly sql: string | undefined;
  readonly sqlState: string | undefined;

  constructor(message: string, options: { cause?: unknown; sql?: string; sqlState?: string } = {}) {
    super('PGTEL_DATABASE', message, { cause: options.cause });
    this.sql = options.sql;
    this.sqlState = options.sqlState;
  }
}

/** Invalid input from the caller (bad metric type, percentile out of range, malformed id...). */
export class ValidationError extends PgtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PGTEL_INVALID', message, options);
  }
}

/** No such trace, workflow, alert, rule or silence. */
export class NotFoundError extends PgtelError {
  constructor(message: string) {
    super('PGTEL_NOT_FOUND', message);
  }
}

/** The operation lost a race or conflicts with existing state (duplicate id, illegal transition). */
export class ConflictError extends PgtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PGTEL_CONFLICT', message, options);
  }
}

/** Another process holds the embedded database folder. */
export class LockedError extends PgtelError {
  readonly holderPid: number;

  constructor(message: string, holderPid: number) {
    super('PGTEL_LOCKED', message);
    this.holderPid = holderPid;
  }
}

/** A migration failed; its transaction was rolled back, so the schema is as before. */
export class MigrationError extends PgtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PGTEL_MIGRATION', message, options);
  }
}

/** The database was migrated by a newer pgtel than this one, with a breaking migration this one does not know. */
export class SchemaTooNewError extends PgtelError {
  /** Newest migration applied to the database. */
  readonly schemaVersion: number | undefined;
  /** Newest migration this pgtel knows. */
  readonly codeVersion: number | undefined;
  /** The breaking migrations applied that this pgtel does not know. */
  readonly breakingVersions: readonly number[];

  constructor(
    message: string,
    versions: { schemaVersion?: number; codeVersion?: number; breakingVersions?: readonly number[] } = {},
  ) {
    super('PGTEL_SCHEMA_TOO_NEW', message);
    this.schemaVersion = versions.schemaVersion;
    this.codeVersion = versions.codeVersion;
    this.breakingVersions = versions.breakingVersions ?? [];
  }
}

/** An operation outlived its deadline (a query past `queryTimeoutMs`, a drain past its timeout). */
export class TimeoutError extends PgtelError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PGTEL_TIMEOUT', message, options);
  }
}

/**
 * A transient condition: the database is away, slow or busy, or pgtel is shutting down. The same
 * request may succeed later; HTTP answers 503 with `Retry-After: retryAfterSeconds`.
 */
export class UnavailableError extends PgtelError {
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super('PGTEL_UNAVAILABLE', message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 5;
  }
}

/**
 * pgtel itself is at capacity (the ingest memory budget is spent): HTTP answers 429 with
 * `Retry-After: retryAfterSeconds`, and the client backs off.
 */
export class OverloadedError extends PgtelError {
  readonly retryAfterSeconds: number;

  constructor(message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super('PGTEL_OVERLOADED', message, { cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds ?? 2;
  }
}
