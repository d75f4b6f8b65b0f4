import { type StoredSeries, storedSeries } from '../../src/metrics/StoredSeries.js';

/** A series of service `test` with no resource or scope, for rows written directly in tests. */
export function testSeries(
  name: string,
  labels: Record<string, string> = {},
  serviceName = 'test',
): StoredSeries {
  return storedSeries({ name, serviceName, resource: {}, scopeName: '', scopeVersion: '', labels });
}
