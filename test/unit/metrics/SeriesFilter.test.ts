import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/errors.js';
import { QueryParams } from '../../../src/http/api/QueryParams.js';
import {
  groupObjectSql,
  needsSeriesJoin,
  normalizeServices,
  seriesFilterSql,
} from '../../../src/metrics/SeriesFilter.js';

function builder() {
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { params, param, table: (name: string) => `"s"."${name}"` };
}

describe('series filters', () => {
  it('normalizes one service, several, and service.name given as a resource attribute', () => {
    expect(normalizeServices(undefined, undefined)).toBeUndefined();
    expect(normalizeServices('api', undefined)).toEqual(['api']);
    expect(normalizeServices(['api', 'worker'], {})).toEqual(['api', 'worker']);
    expect(normalizeServices(undefined, { 'service.name': 'api' })).toEqual(['api']);
    // Both must hold: a service list and another service in the resource match nothing.
    expect(normalizeServices(['worker'], { 'service.name': 'api' })).toEqual([]);
    expect(() => normalizeServices([3] as never, undefined)).toThrow(ValidationError);
  });

  it('builds conditions only for the parts given, values always as parameters', () => {
    const none = builder();
    expect(seriesFilterSql({}, 'm', none.param, none.table)).toBe('');
    expect(none.params).toEqual([]);
    const b = builder();
    const sql = seriesFilterSql(
      { labels: { route: "/x'" }, services: ['api'], resource: { 'service.name': 'api', 'host.name': 'h1' } },
      'm',
      b.param,
      b.table,
    );
    expect(sql).toBe(
      ' AND m.labels @> $1::jsonb AND m.service_name = ANY ($2::text[])' +
        ' AND EXISTS (SELECT 1 FROM "s"."metric_series" fs WHERE fs.series_id = m.series_id AND fs.resource @> $3::jsonb)',
    );
    expect(b.params).toEqual(['{"route":"/x\'"}', ['api'], '{"host.name":"h1"}']);
  });

  it('groups by labels, the service column and resource attributes', () => {
    const b = builder();
    expect(groupObjectSql([], 'm', 's', b.param)).toBe(`'{}'::jsonb`);
    const sql = groupObjectSql(['service.name', 'route', 'resource.host.name'], 'm', 's', b.param);
    expect(sql).toBe(
      "jsonb_build_object($1::text, m.service_name, $2::text, coalesce(m.labels ->> $3::text, ''), $4::text, coalesce(s.resource ->> $5::text, ''))",
    );
    expect(b.params).toEqual(['service.name', 'route', 'route', 'resource.host.name', 'host.name']);
    expect(needsSeriesJoin(['service.name', 'route'])).toBe(false);
    expect(needsSeriesJoin(['resource.service.name'])).toBe(false);
    expect(needsSeriesJoin(['resource.host.name'])).toBe(true);
  });

  it('QueryParams.list reads a repeated parameter, refusing too many or NUL', () => {
    expect(QueryParams.of('http://x/?service=a&service=b&service=a').list('service')).toEqual(['a', 'b']);
    expect(QueryParams.of('http://x/').list('service')).toEqual([]);
    expect(() => QueryParams.of(`http://x/?${'service=a&'.repeat(21)}`).list('service')).toThrow(/service/);
    expect(() => QueryParams.of('http://x/?service=a%00b').list('service')).toThrow(/service/);
  });
});
