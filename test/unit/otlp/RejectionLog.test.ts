import { expect, test } from 'vitest';
import { RejectionLog } from '../../../src/otlp/RejectionLog.js';

test('nothing rejected: count 0 and an empty message', () => {
  expect(new RejectionLog('spans').result()).toEqual({ rejected: 0, errorMessage: '' });
});

test('counts per reason, in first-seen order', () => {
  const log = new RejectionLog('data points');
  log.reject('b');
  log.reject('a', 3);
  log.reject('b');
  log.reject('ignored', 0);
  expect(log.result()).toEqual({ rejected: 5, errorMessage: 'rejected 5 data points: b (2); a (3)' });
});

test('keeps 10 distinct reasons in the message but counts every rejection', () => {
  const log = new RejectionLog('spans');
  for (let i = 0; i < 25; i++) log.reject(`reason ${i}`);
  const { rejected, errorMessage } = log.result();
  expect(rejected).toBe(25);
  expect(errorMessage).toContain('reason 9 (1)');
  expect(errorMessage).not.toContain('reason 10');
  expect(errorMessage.endsWith('; other reasons')).toBe(true);
});
