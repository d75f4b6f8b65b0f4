import { beforeAll, describe, expect, it } from 'vitest';
import type { KeysetCursor } from '../../../src/db/keysetCursor.js';
import { randomSpanId, randomTraceId } from '../../../src/tracing/ids.js';
import type { SpanRow } from '../../../src/tracing/SpanRow.js';
import {
  getTrace,
  listOperations,
  listServices,
  searchSpans,
  searchTraces,
} from '../../../src/tracing/traceQueries.js';
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
    expect(all.nextCursor).toBeNull();
    const seen: string[] = [];
    let after: KeysetCursor | null = null;
    do {
      const page = await searchSpans(ctx.db, { service: 'batch', limit: 4, ...(after ? { after } : {}) });
      expect(page.spans.length).toBeLessThanOrEqual(4);
      seen.push(...page.spans.map((s) => s.spanId));
      after = page.nextCursor;
    } while (after);
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
    await expect(searchSpans(ctx.db, { after: { at: 1, id: 'garbage' } })).rejects.toThrow(
      /cursor is not valid/,
    );
    await expect(searchSpans(ctx.db, { minDurationMs: 2, maxDurationMs: 1 })).rejects.toThrow(
      /minDurationMs must not be above maxDurationMs/,
    );
    await expect(searchSpans(ctx.db, { attributes: { a: {} as never } })).rejects.toThrow(/attribute a/);
  });
});

describe('searchTraces', () => {
  const hour = { from: new Date(BASE), to: new Date(BASE + 3_600_000) };
  const traceIds = async (search: Parameters<typeof searchTraces>[1]) =>
    (await searchTraces(ctx.db, { ...hour, ...search })).traces.map((t) => t.traceId);

  it('lists the traces with a matching span, each with its root and totals', async () => {
    const { traces } = await searchTraces(ctx.db, { ...hour, service: 'pricing' });
    expect(traces).toEqual([
      expect.objectContaining({
        traceId,
        rootService: 'web',
        rootOperation: 'GET /cart',
        spanCount: 4,
        errorCount: 1,
        services: ['pricing', 'web'],
      }),
    ]);
    // An attribute value given as text also matches the number or boolean it reads as.
    expect(await traceIds({ attributes: { 'cart.items': '3', region: 'eu' } })).toEqual([traceId]);
    expect(await traceIds({ status: 'error' })).toEqual([traceId]);
    expect(await traceIds({ service: 'batch', minDurationMs: 28 })).toHaveLength(2);
  });

  it('reads the hour before `to` when no `from` is given', async () => {
    expect(await traceIds({ from: undefined, to: new Date(BASE + 500) })).toEqual([traceId]);
    expect(await traceIds({ from: undefined, to: new Date(BASE) })).toEqual([]);
  });

  it('pages newest match first, every trace exactly once', async () => {
    const all = await traceIds({ service: 'batch', limit: 100 });
    expect(all).toHaveLength(30);
    const seen: string[] = [];
    let after: KeysetCursor | null = null;
    do {
      const page = await searchTraces(ctx.db, {
        ...hour,
        service: 'batch',
        limit: 7,
        ...(after ? { after } : {}),
      });
      seen.push(...page.traces.map((t) => t.traceId));
      after = page.nextCursor;
    } while (after);
    expect(seen).toEqual(all);
  });

  it('refuses bad input with clear errors', async () => {
    await expect(searchTraces(ctx.db, { minDurationMs: 5, maxDurationMs: 1 })).rejects.toThrow(
      /minDurationMs must not be above maxDurationMs/,
    );
    await expect(searchTraces(ctx.db, { attributes: { a: 1 as never } })).rejects.toThrow(
      /attribute a must be a string/,
    );
    await expect(searchTraces(ctx.db, { after: { at: 1, id: randomSpanId() } })).rejects.toThrow(
      /cursor is not valid/,
    );
    await expect(searchTraces(ctx.db, { limit: 1001 })).rejects.toThrow(/limit/);
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
