import { describe, expect, it } from 'vitest';
import { LOG_COLUMNS, logRowValues } from '../../../src/logs/LogRow.js';
import { logRecordTime, otlpLogRow, otlpLogRows } from '../../../src/logs/otlpLogRows.js';
import type { OtlpLogRecord } from '../../../src/otlp/otlpModel.js';

const resource = {
  attributes: { 'service.name': 'checkout', 'host.name': 'web-1' },
  serviceName: 'checkout',
  droppedAttributesCount: 0,
  schemaUrl: '',
};
const scope = { name: 'app', version: '1.2.0', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };

function record(overrides: Partial<OtlpLogRecord> = {}): OtlpLogRecord {
  return {
    resource,
    scope,
    timeUnixNano: 1_767_225_600_123_456_789n,
    observedTimeUnixNano: 1_767_225_600_200_000_000n,
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'payment declined',
    attributes: { 'order.id': 42 },
    droppedAttributesCount: 0,
    flags: 1,
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    ...overrides,
  };
}

describe('otlpLogRows', () => {
  it('maps a record to a logs row: service.name in its own column, times to the microsecond', () => {
    const row = otlpLogRow(record());
    expect(row).toMatchObject({
      time: '2026-01-01T00:00:00.123456Z',
      observedTime: '2026-01-01T00:00:00.200000Z',
      severityNumber: 17,
      severityText: 'ERROR',
      body: 'payment declined',
      bodyJson: null,
      attributes: { 'order.id': 42 },
      serviceName: 'checkout',
      resource: { 'host.name': 'web-1' },
      scope: { name: 'app', version: '1.2.0' },
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      flags: 1,
    });
    expect(row.recordId).toMatch(/^-?\d{1,19}$/);
    expect(logRowValues(row)).toHaveLength(LOG_COLUMNS.length);
  });

  it('gives a resent record the same id, and any difference, down to the nanosecond, another', () => {
    const id = otlpLogRow(record()).recordId;
    expect(otlpLogRow(record()).recordId).toBe(id);
    const others = [
      record({ timeUnixNano: 1_767_225_600_123_456_790n }),
      record({ body: 'payment declined!' }),
      record({ severityNumber: 13 }),
      record({ attributes: { 'order.id': 43 } }),
      record({ traceId: null, spanId: null }),
      record({
        resource: { ...resource, serviceName: 'billing', attributes: { 'service.name': 'billing' } },
      }),
      record({ body: { message: 'payment declined' } }),
    ].map((r) => otlpLogRow(r).recordId);
    expect(new Set([id, ...others]).size).toBe(others.length + 1);
  });

  it('keeps a string body and a JSON body of the same text apart', () => {
    const text = otlpLogRow(record({ body: '42' }));
    const number = otlpLogRow(record({ body: 42 }));
    expect([text.body, text.bodyJson]).toEqual(['42', null]);
    expect([number.body, number.bodyJson]).toEqual(['42', 42]);
    expect(text.recordId).not.toBe(number.recordId);
  });

  it('stores a map body as JSON text and jsonb, and an absent body as empty text', () => {
    const row = otlpLogRow(record({ body: { user: 'ann', tags: ['a', 'b'] } }));
    expect(row.body).toBe('{"user":"ann","tags":["a","b"]}');
    expect(row.bodyJson).toEqual({ user: 'ann', tags: ['a', 'b'] });
    expect(logRowValues(row)[LOG_COLUMNS.indexOf('body_json')]).toBe('{"user":"ann","tags":["a","b"]}');
    expect(otlpLogRow(record({ body: null }))).toMatchObject({ body: '', bodyJson: null });
  });

  it('cleans NUL and lone surrogates as PostgreSQL stores them, and the id follows the cleaned text', () => {
    const dirty = otlpLogRow(record({ body: 'a\0b\uD800c', severityText: 'E\0' }));
    expect(dirty.body).toBe('a\uFFFDb\uFFFDc');
    expect(dirty.severityText).toBe('E\uFFFD');
    const clean = otlpLogRow(record({ body: 'a\uFFFDb\uFFFDc', severityText: 'E\uFFFD' }));
    expect(clean.recordId).toBe(dirty.recordId);
  });

  it('cuts a huge body and long attributes, never inside a character, and marks what was cut', () => {
    const body = 'é'.repeat(3_000_000); // 6 MB of UTF-8
    const row = otlpLogRow(
      record({ body, attributes: { big: 'x'.repeat(100_000), small: 'ok' }, severityText: 'W'.repeat(300) }),
    );
    expect(Buffer.byteLength(row.body)).toBe(1_048_576);
    expect(row.body).toBe('é'.repeat(524_288));
    expect((row.attributes.big as string).length).toBe(65_536);
    expect(row.attributes.small).toBe('ok');
    expect(row.severityText).toHaveLength(256);
    expect(row.attributes['pgtel.truncated']).toEqual(['body', 'attributes.big', 'severity_text']);
    expect(otlpLogRow(record()).attributes).not.toHaveProperty('pgtel.truncated');
  });

  it('cuts a JSON body that stays too long to text only, marked', () => {
    const body = Array.from({ length: 60_000 }, (_, i) => `item number ${i}`);
    const row = otlpLogRow(record({ body }));
    expect(Buffer.byteLength(row.body)).toBeLessThanOrEqual(1_048_576);
    expect(row.body.startsWith('["item number 0",')).toBe(true);
    expect(row.bodyJson).toBeNull();
    expect(row.attributes['pgtel.truncated']).toEqual(['body']);
  });

  it('stores a record without a time under its observed time', () => {
    const untimed = record({ timeUnixNano: 0n });
    expect(logRecordTime(untimed)).toBe(1_767_225_600_200_000_000n);
    expect(otlpLogRows([untimed])[0]!.time).toBe('2026-01-01T00:00:00.200000Z');
  });
});
