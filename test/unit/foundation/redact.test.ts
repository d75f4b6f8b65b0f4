import { describe, expect, it } from 'vitest';
import { redact } from '../../../src/redact.js';

describe('redact', () => {
  it.each([
    ['connect to postgres://app:s3cr3t@db:5432/x failed', 'connect to postgres://app:***@db:5432/x failed'],
    ['postgresql://user:p%40ss@host/db', 'postgresql://user:***@host/db'],
    ['host=db password=s3cr3t user=app', 'host=db password=*** user=app'],
    ['Authorization: Bearer abc.def-ghi', 'Authorization: ***'],
    ['token="xyz" next', 'token=*** next'],
  ])('hides the secret in %s', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves text without secrets alone', () => {
    expect(redact('postgres://app@db/x and nothing else')).toBe('postgres://app@db/x and nothing else');
  });
});
