import { describe, expect, it } from 'vitest';
import { flattenSpanTree } from '../../../../src/http/api/flattenSpanTree.js';
import { QueryParams } from '../../../../src/http/api/QueryParams.js';
import { telemetryEnv } from '../../../../src/http/api/telemetryEnv.js';
import { seriesStep, timeWindow } from '../../../../src/http/api/timeWindow.js';
import { ManualClock } from '../../../../src/testing/ManualClock.js';
import { buildSpanTree } from '../../../../src/tracing/buildSpanTree.js';
import type { StoredSpan } from '../../../../src/tracing/StoredSpan.js';

const q = (query: string) => QueryParams.of(`http://x/?${query}`);

describe('QueryParams', () => {
  it('reads typed values and refuses bad ones with the parameter named', () => {
    const params = q(
      'limit=5&stuck=true&step=5m&groupBy=route,method&labels=route:/a:b&labels=env:prod&p=0.5,0.99',
    );
    expect(params.integer('limit', 1, 10, 3)).toBe(5);
    expect(params.boolean('stuck')).toBe(true);
    expect(params.duration('step')).toBe(300_000);
    expect(params.keys('groupBy')).toEqual(['route', 'method']);
    expect(params.pairs('labels')).toEqual({ route: '/a:b', env: 'prod' });
    expect(params.numbers('p', 0, 1)).toEqual([0.5, 0.99]);
    expect(() => params.done()).not.toThrow();
    expect(() => q('limit=11').integer('limit', 1, 10)).toThrow(/limit must be a whole number from 1 to 10/);
    expect(() => q('limit=1.5').integer('limit', 1, 10)).toThrow(/limit/);
    expect(() => q('step=0s').duration('step')).toThrow(/step/);
    expect(() => q('groupBy=a;b').keys('groupBy')).toThrow(/groupBy/);
    expect(() => q('labels=:x').pairs('labels')).toThrow(/key:value/);
    expect(() => q('p=NaN').numbers('p', 0, 1)).toThrow(/p must list/);
    expect(() => q(`service=${'x'.repeat(600)}`).string('service')).toThrow(/longer/);
    expect(() => q('service=a%00b').string('service')).toThrow(/NUL/);
  });

  it('accepts ISO-8601 and epoch milliseconds, refuses anything else', () => {
    expect(q('t=2026-03-10T12:00:00Z').time('t')?.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(q('t=1773144000000').time('t')?.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(() => q('t=now').time('t')).toThrow(/ISO-8601/);
    expect(() => q('t=2026-13-45').time('t')).toThrow(/ISO-8601/);
  });

  it('refuses parameters nobody read, listing the known ones', () => {
    const params = q('service=a&servce=b');
    params.string('service');
    expect(() => params.done()).toThrow(/unknown parameter "servce" \(known: service\)/);
  });
});

describe('time windows and steps', () => {
  const clock = new ManualClock('2026-03-10T12:00:00Z');

  it('defaults to the last defaultMs and refuses inverted or huge windows', () => {
    const window = timeWindow(q(''), clock, 3_600_000);
    expect(window.from.toISOString()).toBe('2026-03-10T11:00:00.000Z');
    expect(window.to.toISOString()).toBe('2026-03-10T12:00:00.000Z');
    expect(() => timeWindow(q('from=2026-03-10T12:00:00Z&to=2026-03-10T12:00:00Z'), clock, 1)).toThrow(
      /before/,
    );
    expect(() => timeWindow(q('from=2020-01-01T00:00:00Z'), clock, 1)).toThrow(/400 days/);
  });

  it('picks a round step for about 120 points and bounds requested ones', () => {
    const hour = { from: new Date(0), to: new Date(3_600_000) };
    expect(seriesStep(hour, undefined)).toBe(30_000);
    expect(seriesStep({ from: new Date(0), to: new Date(7 * 86_400_000) }, undefined)).toBe(7_200_000);
    expect(seriesStep(hour, 60_000)).toBe(60_000);
    expect(() => seriesStep(hour, 1000)).toThrow(/at least 2400 ms/);
  });
});

describe('flattenSpanTree', () => {
  const span = (spanId: string, parentSpanId: string | null, at: number): StoredSpan => ({
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    operationName: spanId,
    serviceName: 's',
    kind: 'internal',
    startTime: new Date(1000 + at),
    endTime: new Date(1010 + at),
    durationMs: 10,
    status: 'ok',
    statusMessage: null,
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: 'x' },
  });

  it('orders depth first with depth, offset and missing parents', () => {
    const spans = [
      span('r', null, 0),
      span('b', 'r', 5),
      span('a', 'r', 2),
      span('a1', 'a', 3),
      span('o', 'gone', 7),
    ];
    const rows = flattenSpanTree(buildSpanTree(spans));
    expect(rows.map((r) => [r.spanId, r.depth, r.offsetMs, r.childCount, r.missingParent])).toEqual([
      ['r', 0, 0, 2, false],
      ['a', 1, 2, 1, false],
      ['a1', 2, 3, 0, false],
      ['b', 1, 5, 0, false],
      ['o', 0, 7, 0, true],
    ]);
    expect(rows[0]).not.toHaveProperty('children');
  });

  it('handles a chain deeper than the call stack', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) => span(`s${i}`, i === 0 ? null : `s${i - 1}`, i));
    const rows = flattenSpanTree(buildSpanTree(spans));
    expect(rows.at(-1)?.depth).toBe(19_999);
  });
});

describe('telemetryEnv', () => {
  it('points at the server and shows a token placeholder only when ingest needs one', () => {
    expect(telemetryEnv('http://127.0.0.1:4318', false).lines).toEqual([
      'OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318',
      'OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf',
      'OTEL_SERVICE_NAME=my-service',
    ]);
    expect(telemetryEnv('http://h', true).lines.at(-1)).toBe(
      'OTEL_EXPORTER_OTLP_HEADERS=Authorization=Bearer%20<your token>',
    );
  });
});
