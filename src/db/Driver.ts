/** Rows as plain objects keyed by column name. */
export type Row = Record<string, unknown>;

/** The rows of a statement and how many rows it affected. */
export interface QueryResult<R = Row> {
  rows: R[];
  rowCount: number;
}

/** What one connection (or one transaction on it) can do. Drivers implement this; nothing else does. */
export interface DriverSession {
  query(sql: string, params?: readonly unknown[]): Promise<QueryResult>;
  /** Runs several statements separated by semicolons (no parameters). */
  exec(sql: string): Promise<void>;
  /** Streams COPY ... FROM STDIN text data; resolves with the rows written. */
  copyFrom(copySql: string, data: string): Promise<number>;
}

export interface Driver extends DriverSession {
  readonly kind: 'postgres' | 'pglite';
  /** A human description with no secret in it, for logs and status output. */
  readonly description: string;
  transaction<T>(fn: (session: DriverSession) => Promise<T>): Promise<T>;
  /** Connections in use and waiting requests, for the pool-saturation health check. */
  poolStats(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}
