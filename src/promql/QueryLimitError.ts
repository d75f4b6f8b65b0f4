import { ValidationError } from '../errors.js';

/**
 * A query would load more samples than its limit (`SelectLimits.maxSamples`): refused with a clear
 * message instead of running out of memory. HTTP answers 422, as Prometheus does.
 */
export class QueryLimitError extends ValidationError {
  readonly httpStatus = 422;
  readonly limit: number;

  constructor(limit: number) {
    super(`query would load more than ${limit} samples (maxSamples); narrow the selector or the time range`);
    this.limit = limit;
  }
}
