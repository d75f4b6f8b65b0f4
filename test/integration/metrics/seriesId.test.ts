import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJsonText } from '../../../src/db/jsonText.js';
import { storedSeries } from '../../../src/metrics/StoredSeries.js';
import { type SeriesIdentity, seriesId } from '../../../src/metrics/seriesId.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();

async function sqlSeriesId(identity: SeriesIdentity): Promise<string> {
  const { rows } = await ctx.db.query<{ id: string }>(
    `SELECT ${ctx.db.table('metric_series_id')}($1, $2, $3::jsonb, $4, $5, $6::jsonb)::text AS id`,
    [
      identity.name,
      identity.serviceName,
      toJsonText(identity.resource),
      identity.scopeName,
      identity.scopeVersion,
      toJsonText(identity.labels),
    ],
  );
  return rows[0]!.id;
}

const text = fc.string({ unit: 'binary', maxLength: 12 });
const identity = fc.record({
  name: fc.string({ minLength: 1, maxLength: 20 }),
  serviceName: text,
  resource: fc.dictionary(text, text, { maxKeys: 4 }),
  scopeName: text,
  scopeVersion: text,
  labels: fc.dictionary(text, text, { maxKeys: 6 }),
});

describe('series ids', () => {
  it('are the same in the library and in SQL, whatever the characters and key order', async () => {
    await fc.assert(
      fc.asyncProperty(identity, async (id) => {
        // What PostgreSQL is given is the identity as stored: NUL and lone surrogates replaced.
        const stored = storedSeries(id);
        expect(stored.id).toBe(seriesId(stored));
        expect(stored.id).toBe(await sqlSeriesId(stored));
      }),
      { numRuns: 150 },
    );
  });

  it('differ when any part of the identity differs', () => {
    const base: SeriesIdentity = {
      name: 'http.server.request.duration',
      serviceName: 'checkout',
      resource: { 'host.name': 'a' },
      scopeName: 'app',
      scopeVersion: '1.0.0',
      labels: { 'http.route': '/cart' },
    };
    const variants: SeriesIdentity[] = [
      { ...base, name: 'other' },
      { ...base, serviceName: 'billing' },
      { ...base, resource: { 'host.name': 'b' } },
      { ...base, scopeName: 'lib' },
      { ...base, scopeVersion: '1.0.1' },
      { ...base, labels: { 'http.route': '/pay' } },
      { ...base, labels: {} },
    ];
    const ids = new Set([base, ...variants].map(seriesId));
    expect(ids.size).toBe(variants.length + 1);
    expect(seriesId({ ...base, labels: { b: '2', a: '1' } })).toBe(
      seriesId({ ...base, labels: { a: '1', b: '2' } }),
    );
  });
});
