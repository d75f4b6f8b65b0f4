/**
 * The spool cannot take a record (its disk budget is used up, or the disk failed): the request is
 * answered 503 with Retry-After, so the sender keeps it and tries again.
 */
export class SpoolFullError extends Error {
  /** Read by the HTTP layer's status mapping. */
  readonly httpStatus = 503;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SpoolFullError';
  }
}
