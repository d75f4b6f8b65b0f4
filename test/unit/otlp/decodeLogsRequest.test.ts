import { describe, expect, it } from 'vitest';
import { decodeLogsRequest } from '../../../src/otlp/decodeLogsRequest.js';
import { OtlpDecodeError } from '../../../src/otlp/OtlpDecodeError.js';
import { otlpTypes } from '../../../src/otlp/protoRoot.js';
import { StreamingItemCounter } from '../../../src/otlp/StreamingItemCounter.js';

const PROTOBUF = 'application/x-protobuf';

function request(records: object[]) {
  return {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
        scopeLogs: [{ scope: { name: 'app', version: '2' }, logRecords: records }],
      },
    ],
  };
}

const encode = (records: object[]) => otlpTypes.ExportLogsServiceRequest.encode(request(records)).finish();

describe('decodeLogsRequest', () => {
  it('decodes protobuf and OTLP/JSON alike: times to the nanosecond, body, ids, severity by name', async () => {
    const fromProtobuf = await decodeLogsRequest(
      encode([
        {
          timeUnixNano: '1767225600123456789',
          severityNumber: 13,
          severityText: 'WARN',
          body: { kvlistValue: { values: [{ key: 'n', value: { intValue: 3 } }] } },
          traceId: Buffer.from('4bf92f3577b34da6a3ce929d0e0e4736', 'hex'),
          spanId: Buffer.from('00f067aa0ba902b7', 'hex'),
          flags: 1,
        },
      ]),
      PROTOBUF,
    );
    const json = JSON.stringify(
      request([
        {
          timeUnixNano: '1767225600123456789',
          severityNumber: 'SEVERITY_NUMBER_WARN',
          severityText: 'WARN',
          body: { kvlistValue: { values: [{ key: 'n', value: { intValue: '3' } }] } },
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          flags: 1,
        },
      ]),
    );
    const fromJson = await decodeLogsRequest(new TextEncoder().encode(json), 'application/json');
    for (const decoded of [fromProtobuf, fromJson]) {
      expect(decoded.rejected).toBe(0);
      expect(decoded.logRecords[0]).toMatchObject({
        timeUnixNano: 1_767_225_600_123_456_789n,
        observedTimeUnixNano: 0n,
        severityNumber: 13,
        body: { n: 3 },
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        flags: 1,
        resource: { serviceName: 'shop' },
        scope: { name: 'app', version: '2' },
      });
    }
  });

  it('rejects records with bad ids or severity, keeping the rest and saying why', async () => {
    const decoded = await decodeLogsRequest(
      encode([
        { body: { stringValue: 'ok' } },
        { body: { stringValue: 'short trace id' }, traceId: Buffer.from('abcd', 'hex') },
        { body: { stringValue: 'zero span id' }, spanId: Buffer.alloc(8) },
        { body: { stringValue: 'severity 30' }, severityNumber: 30 },
      ]),
      PROTOBUF,
    );
    expect(decoded.logRecords.map((r) => r.body)).toEqual(['ok']);
    expect(decoded.rejected).toBe(3);
    expect(decoded.errorMessage).toMatch(
      /invalid trace id.*invalid span id.*severity number outside 0\.\.24/,
    );
  });

  it('refuses more records than maxItems with a 413, while decoding and while streaming', async () => {
    const body = encode([{ body: { stringValue: 'a' } }, { body: { stringValue: 'b' } }]);
    const error = await decodeLogsRequest(body, PROTOBUF, undefined, { maxItems: 1 }).catch((e) => e);
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect(error.httpStatus).toBe(413);
    expect(error.message).toMatch(/more than 1 log records/);
    const counter = new StreamingItemCounter('logs', 1);
    expect(() => counter.push(body)).toThrow(/more than 1 log records/);
    expect((await decodeLogsRequest(body, PROTOBUF, undefined, { maxItems: 2 })).logRecords).toHaveLength(2);
  });
});
