import { describe, expect, it } from 'vitest';
import { buildSpanTree } from '../../../src/tracing/buildSpanTree.js';
import type { StoredSpan } from '../../../src/tracing/StoredSpan.js';

function span(spanId: string, parentSpanId: string | null, startMs: number): StoredSpan {
  return {
    traceId: 'a'.repeat(32),
    spanId,
    parentSpanId,
    operationName: spanId,
    serviceName: 's',
    kind: 'internal',
    startTime: new Date(startMs),
    endTime: new Date(startMs + 1),
    durationMs: 1,
    status: 'unset',
    statusMessage: null,
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: 'x' },
  };
}

const names = (nodes: { spanId: string; children: unknown[] }[]): unknown =>
  nodes.map((n) => [n.spanId, names(n.children as never)]);

describe('buildSpanTree', () => {
  it('nests children under parents, ordered by start time, whatever the input order', () => {
    const tree = buildSpanTree([
      span('c2', 'root', 30),
      span('g1', 'c1', 25),
      span('c1', 'root', 20),
      span('root', null, 10),
    ]);
    expect(names(tree)).toEqual([
      [
        'root',
        [
          ['c1', [['g1', []]]],
          ['c2', []],
        ],
      ],
    ]);
  });

  it('makes orphans (remote or missing parent) and self-parented spans roots', () => {
    const tree = buildSpanTree([span('x', 'remote-parent', 5), span('y', 'y', 1), span('z', null, 3)]);
    expect(names(tree)).toEqual([
      ['y', []],
      ['z', []],
      ['x', []],
    ]);
  });
});
