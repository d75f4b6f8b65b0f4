import { PgtelError, ValidationError } from '../../errors.js';
import { readBody } from '../readBody.js';

/** A body that is not `application/json` (HTTP 415). */
class UnsupportedMediaTypeError extends PgtelError {
  readonly httpStatus = 415;

  constructor() {
    super('PGTEL_INVALID', 'send the body as JSON with content-type: application/json');
  }
}

/** The request's JSON object body (at most `limit` bytes, default 64 KiB); anything else is a 4xx. */
export async function readJsonObject(request: Request, limit = 64 * 1024): Promise<Record<string, unknown>> {
  const type = request.headers.get('content-type') ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new UnsupportedMediaTypeError();
  const text = new TextDecoder('utf-8', { fatal: false }).decode(await readBody(request, limit));
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError('the body must be a JSON object');
  return value as Record<string, unknown>;
}
