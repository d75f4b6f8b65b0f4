import { DatabaseError, PgtelError } from '../errors.js';
import { redact } from '../redact.js';
import { encodeCopyText } from './copyText.js';
import { currentDeadline } from './DeadlineScope.js';
import type { Driver, DriverSession, QueryResult, Row } from './Driver.js';
import { quoteIdent } from './quoteIdent.js';

export type { QueryResult, Row } from './Driver.js';

/** Options of `Database.transaction`. */
export interface TransactionOptions {
  /** Run as `READ ONLY`: the server refuses any write. Default: false. */
  readOnly?: boolean;
  /** Server-side statement timeout for this transaction, in milliseconds. Default: unset, the connection's own setting applies. */
  statementTimeoutMs?: number;
}

function firstLine(sql: string): string {
  const line = sql.trim().split('\n')[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}

/** The server echoes bad input ("invalid input syntax: \"...\""): put $n where a parameter value appears. */
function withoutParams(message: string, params: readonly unknown[] | undefined): string {
  let result = message;
  params?.forEach((value, i) => {
    const text =
      typeof value === 'string'
        ? value
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : '';
    if (text.length >= 3) result = result.replaceAll(text, `$${i + 1}`);
  });
  return result;
}

function wrapError(error: unknown, sql: string, params?: readonly unknown[]): DatabaseError {
  if (error instanceof DatabaseError) return error;
  const e = error as { message?: string; code?: string };
  const message = redact(withoutParams(e?.message ?? String(error), params));
  const sqlState = typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  return new DatabaseError(`${message} (while running: ${firstLine(sql)})`, { cause: error, sql, sqlState });
}

/**
 * What code can do on a connection or inside a transaction: parameterized queries, multi-statement
 * scripts and COPY of rows. Errors become DatabaseError carrying the SQL, never the parameter values.
 */
export class DatabaseSession {
  /** Schema holding pgtel's tables, unquoted. */
  readonly schema: string;
  protected readonly session: DriverSession;

  constructor(session: DriverSession, schema: string) {
    this.session = session;
    this.schema = schema;
  }

  /** The schema-qualified, quoted name of one of pgtel's tables, views or functions. */
  table(name: string): string {
    return `${quoteIdent(this.schema)}.${quoteIdent(name)}`;
  }

  async query<R = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
    try {
      return (await this.session.query(sql, params)) as QueryResult<R>;
    } catch (error) {
      throw wrapError(error, sql, params);
    }
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.session.exec(sql);
    } catch (error) {
      throw wrapError(error, sql);
    }
  }

  /** COPYs rows into one of pgtel's tables (unqualified name) in text format; returns rows written. */
  copyRows(
    table: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<number> {
    return this.copyRowsInto(this.table(table), columns, rows);
  }

  /** COPYs rows into a table given by its quoted (possibly qualified) name, such as a temporary table. */
  async copyRowsInto(
    target: string,
    columns: readonly string[],
    rows: readonly (readonly unknown[])[],
  ): Promise<number> {
    if (rows.length === 0) return 0;
    return this.copyTextInto(target, columns, encodeCopyText(rows));
  }

  /** COPYs rows already encoded in COPY text format (`encodeCopyText`) into a table given by its quoted name. */
  async copyTextInto(target: string, columns: readonly string[], text: string): Promise<number> {
    const sql = `COPY ${target} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`;
    try {
      return await this.session.copyFrom(sql, text);
    } catch (error) {
      throw wrapError(error, sql);
    }
  }
}

let openCount = 0;

/** Databases opened and not yet closed in this process (tests check that none leak). */
export function openDatabaseCount(): number {
  return openCount;
}

/** The one database seam of pgtel: a pool (PostgreSQL) or an embedded PGlite, same API and types. */
export class Database extends DatabaseSession {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, with no password in it. */
  readonly description: string;
  private readonly driver: Driver;
  private readonly onClose: () => void;
  private closed = false;

  constructor(driver: Driver, schema: string, onClose: () => void = () => {}) {
    super(driver, schema);
    this.driver = driver;
    this.kind = driver.kind;
    this.description = driver.description;
    this.onClose = onClose;
    openCount++;
  }

  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  async transaction<T>(
    fn: (tx: DatabaseSession) => Promise<T>,
    options: TransactionOptions = {},
  ): Promise<T> {
    try {
      return await this.driver.transaction(async (session) => {
        const tx = new DatabaseSession(session, this.schema);
        if (options.readOnly) await tx.exec('SET TRANSACTION READ ONLY');
        // Under a request deadline (see DeadlineScope) no statement outlives what is left of it.
        const left = this.kind === 'postgres' ? currentDeadline()?.remainingMs() : undefined;
        const timeoutMs =
          left === undefined
            ? options.statementTimeoutMs
            : Math.min(left, options.statementTimeoutMs ?? left);
        if (timeoutMs !== undefined) {
          await tx.query(`SELECT set_config('statement_timeout', $1, true)`, [
            String(Math.max(1, Math.round(timeoutMs))),
          ]);
        }
        return fn(tx);
      });
    } catch (error) {
      throw error instanceof PgtelError || !(error as { code?: unknown })?.code
        ? error
        : wrapError(error, 'COMMIT');
    }
  }

  poolStats(): { total: number; idle: number; waiting: number; max: number } {
    return this.driver.poolStats();
  }

  /** Closes the pool or the embedded database and releases its folder lock. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    openCount--;
    try {
      await this.driver.close();
    } finally {
      this.onClose();
    }
  }
}
