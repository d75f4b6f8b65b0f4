import { afterAll, beforeAll, expect } from 'vitest';
import { openDatabaseCount } from '../../src/db/Database.js';

// Every test file must close what it opens: databases (pools, PGlite) and timers.
let timersBefore = 0;
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

beforeAll(() => {
  timersBefore = timers();
});

afterAll(() => {
  expect(openDatabaseCount(), 'databases left open by this test file').toBe(0);
  expect(timers(), 'timers left running by this test file').toBeLessThanOrEqual(timersBefore);
});
