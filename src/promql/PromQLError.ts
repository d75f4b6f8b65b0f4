import { PgtelError, type PgtelErrorCode } from '../errors.js';

/** How the HTTP API classifies a failed query, as Prometheus's `errorType`. */
export type PromQLErrorKind = 'bad_data' | 'execution' | 'timeout' | 'canceled';

const CODES: Record<PromQLErrorKind, PgtelErrorCode> = {
  bad_data: 'PGTEL_INVALID',
  execution: 'PGTEL_INVALID',
  timeout: 'PGTEL_TIMEOUT',
  canceled: 'PGTEL_UNAVAILABLE',
};

/** Base class of every error the PromQL engine throws on purpose. */
export class PromQLError extends PgtelError {
  readonly kind: PromQLErrorKind;

  constructor(kind: PromQLErrorKind, message: string, options?: { cause?: unknown }) {
    super(CODES[kind], message, options);
    this.kind = kind;
  }
}

/** Position of a parse error: 1-based line and column, plus the 0-based offset in the query. */
export interface ParsePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

/** The query does not parse or does not type-check; the message ends with `(line:column)`. */
export class PromQLParseError extends PromQLError {
  readonly position: ParsePosition;

  constructor(message: string, position: ParsePosition) {
    super('bad_data', `${message} (${position.line}:${position.column})`);
    this.position = position;
  }
}

/** The query parsed but failed while evaluating (duplicate label sets, invalid arguments...). */
export class PromQLExecutionError extends PromQLError {
  constructor(message: string) {
    super('execution', message);
  }
}

/** The query would load or hold more samples than `QueryOptions.maxSamples`. */
export class QueryLimitError extends PromQLError {
  readonly maxSamples: number;

  constructor(maxSamples: number) {
    super(
      'execution',
      `query processing would load too many samples into memory in query execution (limit ${maxSamples})`,
    );
    this.maxSamples = maxSamples;
  }
}

/** The query's AbortSignal fired: `timeout` when it fired with a TimeoutError, else `canceled`. */
export class QueryAbortedError extends PromQLError {
  constructor(kind: 'timeout' | 'canceled', options?: { cause?: unknown }) {
    super(kind, kind === 'timeout' ? 'query timed out in query execution' : 'query was canceled', options);
  }
}
