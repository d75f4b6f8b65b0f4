import { beforeAll, describe, expect, it } from 'vitest';
import { getTrace } from '../../../src/tracing/getTrace.js';
import { randomSpanId, randomTraceId } from '../../../src/tracing/ids.js';
import { listOperations, listServices } from '../../../src/tracing/listServices.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import { searchSpans } from '../../../src/tracing/searchSpans.js';
import { writeSpanRows } from '../../../src/tracing/writeSpanRows.js';
import { useTestDatabase } from '../../helpers/testDatabase.js';

const ctx = useTestDatabase();
const BASE = Date.parse('2026-04-10T12:00:00Z');

function row(overrides: Partial<SpanRow> & { startMs: number }): SpanRow {
  const { startMs, ...rest } = overrides;
  const durationMs = rest.durationMs ?? 10;
  return {
    traceId: randomTraceId(),
    spanId: randomSpanId(),
    parentSpanId: null,
    traceState: null,
    operationName: 'op',
    kind: 'internal',
    serviceName: 'svc',
    startTime: `${new Date(startMs).toISOString().slice(0, 23)}123Z`,
    endTime: new Date(startMs + durationMs).toISOString(),
    durationMs,
    status: 'unset',
    statusMessage: null,
    attributes: {},
    events: [],
    links: [],
    resource: {},
    scope: { name: 'test' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...rest,
  };
}

const traceId = randomTraceId();
const root = row({
  traceId,
  startMs: BASE,
  operationName: 'GET /cart',
  serviceName: 'web',
  kind: 'server',
  durationMs: 120,
});
const db1 = row({
  traceId,
  parentSpanId: root.spanId,
  startMs: BASE + 5,
  operationName: 'SELECT',
  serviceName: 'web',
  kind: 'client',
});
const call = row({
  traceId,
  parentSpanId: root.spanId,
  startMs: BASE + 20,
  operationName: 'price',
  serviceName: 'pricing',
  durationMs: 80,
});
const deep = row({
  traceId,
  parentSpanId: call.spanId,
  startMs: BASE + 30,
  operationName: 'compute',
  serviceName: 'pricing',
  status: 'error',
  statusMessage: 'overflow',
  attributes: { 'cart.items': 3, region: 'eu' },
});
// 30 more spans, some sharing one start time to exercise the cursor's tie-breaking.
const bulk = Array.from({ length: 30 }, (_, i) =>
  row({
    startMs: BASE + 1_000 + Math.floor(i / 3) * 1_000,
    serviceName: 'batch',
    operationName: `job-${i % 2}`,
    durationMs: i,
    attributes: { i, even: i % 2 === 0 },
  }),
);

beforeAll(async () => {
  const result = await writeSpanRows(ctx.db, [root, db1, call, deep, ...bulk]);
  expect(result.written).toBe(34);
});

describe('getTrace', () => {
  it('returns the trace as a tree with its services and bounds', async () => {
    const found = await getTrace(ctx.db, traceId);
    expect(found).toMatchObject({ traceId, spanCount: 4, truncated: false, services: ['pricing', 'web'] });
    const shape = (nodes: { operationName: string; children: unknown[] }[]): unknown =>
      nodes.map((n) => [n.operationName, shape(n.children as never)]);
    expect(shape(found!.roots)).toEqual([
      [
        'GET /cart',
        [
          ['SELECT', []],
          ['price', [['compute', []]]],
        ],
      ],
    ]);
    expect(found!.roots[0]!.children[1]!.children[0]).toMatchObject({
      status: 'error',
      statusMessage: 'overflow',
      attributes: { 'cart.items': 3, region: 'eu' },
    });
    expect(found!.startTime.toISOString()).toBe('2026-04-10T12:00:00.000Z');
  });

  it('reads at most maxSpans, saying so', async () => {
    expect(await getTrace(ctx.db, traceId, { maxSpans: 2 })).toMatchObject({ spanCount: 2, truncated: true });
  });

  it('returns undefined for an unknown trace and refuses a malformed id', async () => {
    expect(await getTrace(ctx.db, randomTraceId())).toBeUndefined();
    await expect(getTrace(ctx.db, 'XYZ')).rejects.toThrow(/32 lowercase hex/);
  });
});

describe('searchSpans', () => {
  const ids = async (search: Parameters<typeof searchSpans>[1]) =>
    (await searchSpans(ctx.db, search)).spans.map((s) => s.spanId);

  it('filters by service, operation, status, duration, attribute, time range and roots', async () => {
    expect(await ids({ service: 'pricing' })).toEqual([deep.spanId, call.spanId]);
    expect(await ids({ service: 'web', operation: 'SELECT' })).toEqual([db1.spanId]);
    expect(await ids({ status: 'error' })).toEqual([deep.spanId]);
    expect(await ids({ service: 'web', minDurationMs: 100 })).toEqual([root.spanId]);
    expect(await ids({ service: 'batch', minDurationMs: 27, maxDurationMs: 28 })).toHaveLength(2);
    expect(await ids({ attributes: { region: 'eu', 'cart.items': 3 } })).toEqual([deep.spanId]);
    expect(await ids({ attributes: { region: 'us' } })).toEqual([]);
    expect(await ids({ from: new Date(BASE), to: new Date(BASE + 21), limit: 100 })).toEqual([
      call.spanId,
      db1.spanId,
      root.spanId,
    ]);
    expect(await ids({ rootsOnly: true, service: 'web' })).toEqual([root.spanId]);
  });

  it('pages newest first with a cursor, every span exactly once', async () => {
    const all = await searchSpans(ctx.db, { service: 'batch', limit: 1000 });
    expect(all.spans).toHaveLength(30);
    expect(all.nextCursor).toBeUndefined();
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await searchSpans(ctx.db, { service: 'batch', limit: 4, ...(cursor ? { cursor } : {}) });
      expect(page.spans.length).toBeLessThanOrEqual(4);
      seen.push(...page.spans.map((s) => s.spanId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all.spans.map((s) => s.spanId));
    const starts = all.spans.map((s) => s.startTime.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => b - a));
  });

  it('refuses bad input with clear errors', async () => {
    await expect(searchSpans(ctx.db, { status: 'broken' as never })).rejects.toThrow(/status must be one of/);
    await expect(searchSpans(ctx.db, { limit: 0 })).rejects.toThrow(/limit/);
    await expect(searchSpans(ctx.db, { minDurationMs: Number.NaN })).rejects.toThrow(/minDurationMs/);
    await expect(searchSpans(ctx.db, { from: new Date('nope') })).rejects.toThrow(
      /from must be a valid Date/,
    );
    await expect(searchSpans(ctx.db, { cursor: 'garbage' })).rejects.toThrow(/Invalid cursor/);
    await expect(searchSpans(ctx.db, { attributes: { a: {} as never } })).rejects.toThrow(/attribute a/);
  });
});

describe('listServices and listOperations', () => {
  it('lists distinct names, sorted', async () => {
    expect(await listServices(ctx.db)).toEqual(['batch', 'pricing', 'web']);
    expect(await listOperations(ctx.db, 'web')).toEqual(['GET /cart', 'SELECT']);
    expect(await listOperations(ctx.db, 'batch')).toEqual(['job-0', 'job-1']);
    expect(await listOperations(ctx.db, 'nobody')).toEqual([]);
  });
});
