import { describe, expect, it } from 'vitest';
import type { OtlpSpan } from '../../../src/otlp/otlpModel.js';
import { timeWindow } from '../../../src/otlp/timeWindow.js';
import { storeOtlpSpans } from '../../../src/tracing/storeOtlpSpans.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const NOW = Date.UTC(2026, 5, 15, 12);
const window = timeWindow(NOW, 30);

function span(i: number, overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  const start = BigInt(NOW - 60_000 + i) * 1_000_000n;
  return {
    resource: {
      attributes: { 'service.name': 'store' },
      serviceName: 'store',
      droppedAttributesCount: 0,
      schemaUrl: '',
    },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' },
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: (i + 1).toString(16).padStart(16, '0'),
    parentSpanId: null,
    traceState: '',
    flags: 0,
    name: 'op',
    kind: 'server',
    startTimeUnixNano: start,
    startTime: new Date(Number(start / 1_000_000n)),
    endTimeUnixNano: start + 1_000_000n,
    endTime: new Date(Number(start / 1_000_000n) + 1),
    attributes: {},
    events: [],
    links: [],
    status: { code: 'ok', message: '' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

describe('storeOtlpSpans', () => {
  it('stores what it can and names each refusal: outside the window, or refused by the database', async () => {
    const spans = [
      span(0),
      span(1, { startTimeUnixNano: 0n }),
      // Not a decoder's output (ids are validated there): the database's check refuses it.
      span(2, { traceId: 'not-hex' }),
      span(3),
    ];
    const result = await storeOtlpSpans(ctx.db, spans, window);
    expect(result).toMatchObject({ written: 2, duplicates: 0 });
    expect(result.refused.count).toBe(2);
    expect(result.refused.message()).toMatch(
      /^2 span\(s\) refused: start time 1970-01-01T00:00:00Z is older than the 30-day retention; span 0000000000000003 refused by the database: new row for relation "spans_\w+" violates check constraint "spans_ids_check"/,
    );
    const again = await storeOtlpSpans(ctx.db, [span(0), span(3)], window);
    expect(again).toMatchObject({ written: 0, duplicates: 2 });
    expect(again.refused.count).toBe(0);
  });
});
