/**
 * Runs Prometheus's own PromQL test scripts against pgtel's engine: one test per `eval`, named
 * `file:line query`. Left-out evals are listed with reasons in promqlExclusions.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { instantQuery, type QueryResult, rangeQuery } from '../../src/promql/index.js';
import { labelsKey } from '../../src/promql/values.js';
import { useTestDatabase } from '../helpers/testDatabase.js';
import { PgScriptStorage } from './pgScriptStorage.js';
import { exclusionFor } from './promqlExclusions.js';
import { type EvalCommand, type Point, parseScript } from './promqlScript.js';
import { MemoryScriptStorage, type ScriptStorage } from './promqlScriptStorage.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const candidates = [
  process.env.PGTEL_PROMQL_TESTS,
  path.resolve(repoRoot, '../shared/peer-tests/prometheus-promql'),
  '/work/shared/peer-tests/prometheus-promql',
].filter((d): d is string => !!d);
const scriptsDir = candidates.find((d) => existsSync(d));
const files = scriptsDir
  ? readdirSync(scriptsDir)
      .filter((f) => f.endsWith('.test'))
      .sort()
  : [];

// pgtel's storage (remote write into a test schema, read by PgSampleSource) unless
// PGTEL_PROMQL_STORAGE=memory asks for the engine alone.
const inMemory = process.env.PGTEL_PROMQL_STORAGE === 'memory';
const ctx = inMemory ? undefined : useTestDatabase();
const storage: ScriptStorage = ctx ? new PgScriptStorage(() => ctx.db) : new MemoryScriptStorage();
const summary = new Map<string, { total: number; passed: number; excluded: number }>();

function almostEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) && Number.isNaN(b)) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || absSum < minNormal) return diff < 1e-6 * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < 1e-6;
}

function expectedPoints(points: Point[], startMs: number, stepMs: number): [number, number][] {
  const out: [number, number][] = [];
  points.forEach((p, i) => {
    if (p.kind === 'value') out.push([startMs + i * stepMs, p.value]);
  });
  return out;
}

function comparePoints(
  actual: [number, number][],
  expected: [number, number][],
  withTimes: boolean,
  what: string,
) {
  const show = (ps: [number, number][]) =>
    JSON.stringify(ps.map(([t, v]) => (withTimes ? [t, String(v)] : String(v))));
  const same =
    actual.length === expected.length &&
    actual.every(([t, v], i) => almostEqual(v, expected[i]![1]) && (!withTimes || t === expected[i]![0]));
  expect(same, `${what}: got ${show(actual)}, want ${show(expected)}`).toBe(true);
}

function check(e: EvalCommand, result: QueryResult): void {
  if (e.expectString !== undefined) {
    expect(result).toEqual({ resultType: 'string', result: [e.startMs, e.expectString] });
    return;
  }
  if (e.scalar !== undefined) {
    expect(result.resultType).toBe('scalar');
    const v = (result.result as [number, number])[1];
    expect(almostEqual(v, e.scalar), `scalar ${v}, want ${e.scalar}`).toBe(true);
    return;
  }
  if (result.resultType === 'scalar' || result.resultType === 'string') {
    throw new Error(`got a ${result.resultType} result, want series`);
  }
  const actual =
    result.resultType === 'vector'
      ? result.result.map((s) => ({ metric: s.metric, values: [s.value] as [number, number][] }))
      : result.result;
  const wantKeys = e.series.map((s) => labelsKey(s.labels));
  const gotKeys = actual.map((s) => labelsKey(s.metric));
  const fmt = (keys: string[]) =>
    keys.map((k) => k.replaceAll('\xff', '=').replaceAll('\xfe', ',')).join(' ');
  expect(fmt([...gotKeys].sort()), 'series').toBe(fmt([...wantKeys].sort()));
  if (e.ordered) expect(fmt(gotKeys), 'order').toBe(fmt(wantKeys));
  for (const want of e.series) {
    const got = actual[gotKeys.indexOf(labelsKey(want.labels))]!;
    if (e.instant && result.resultType === 'vector') {
      comparePoints(
        got.values,
        expectedPoints(want.points.slice(0, 1), e.startMs, 0),
        false,
        fmt([labelsKey(want.labels)]),
      );
    } else if (e.instant) {
      const rv = e.rangeVector;
      comparePoints(
        got.values,
        expectedPoints(want.points, rv?.startMs ?? 0, rv?.stepMs ?? 0),
        !!rv,
        'range vector',
      );
    } else {
      comparePoints(
        got.values,
        expectedPoints(want.points, e.startMs, e.stepMs),
        true,
        fmt([labelsKey(want.labels)]),
      );
    }
  }
}

/** Every expectation matches an annotation; with any expectation, every annotation is expected. */
function checkAnnotations(e: EvalCommand, kind: 'warn' | 'info', got: string[], none: boolean): void {
  if (none) expect(got, `no ${kind} annotations`).toEqual([]);
  const wanted = e.annotations.filter((a) => a.kind === kind);
  const fits = (a: (typeof wanted)[number], m: string) =>
    a.msg !== undefined ? a.msg === m : a.regex ? a.regex.test(m) : true;
  for (const a of wanted) {
    expect(
      got.some((m) => fits(a, m)),
      `a ${kind} annotation like ${a.msg ?? a.regex ?? 'any'} in ${JSON.stringify(got)}`,
    ).toBe(true);
  }
  if (wanted.length > 0) {
    for (const m of got)
      expect(
        wanted.some((a) => fits(a, m)),
        `unexpected ${kind} annotation ${m}`,
      ).toBe(true);
  }
}

async function runEval(e: EvalCommand): Promise<void> {
  const source = await storage.sourceFor(e.loads);
  const run = () =>
    e.instant
      ? instantQuery(source, e.query, e.startMs)
      : rangeQuery(source, e.query, e.startMs, e.endMs, e.stepMs);
  if (e.expectFail) {
    const error = await run().then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(error, 'the query should fail').toBeInstanceOf(Error);
    if (e.expectFail.msg !== undefined) expect(error!.message).toBe(e.expectFail.msg);
    if (e.expectFail.regex) expect(error!.message).toMatch(e.expectFail.regex);
    return;
  }
  const result = await run();
  checkAnnotations(e, 'warn', result.warnings ?? [], e.noWarn);
  checkAnnotations(e, 'info', result.infos ?? [], e.noInfo);
  check(e, result);
}

describe('Prometheus PromQL test scripts', () => {
  it('finds the scripts folder', () => {
    expect(
      scriptsDir,
      `no PromQL test scripts in any of ${candidates.join(', ')}; set PGTEL_PROMQL_TESTS`,
    ).toBeDefined();
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    const { evals } = parseScript(readFileSync(path.join(scriptsDir!, file), 'utf8'));
    const stats = { total: evals.length, passed: 0, excluded: 0 };
    summary.set(file, stats);
    const included = evals.filter((e) => !exclusionFor(file, e));
    stats.excluded = evals.length - included.length;
    if (included.length === 0) continue;
    describe(file, () => {
      for (const e of included) {
        it(`${file}:${e.line} ${e.query}`, async () => {
          await runEval(e);
          stats.passed++;
        });
      }
    });
  }

  afterAll(() => {
    const rows = [...summary].map(
      ([f, s]) =>
        `${f.padEnd(28)} ${String(s.passed).padStart(5)} / ${String(s.total - s.excluded).padStart(5)}   excluded ${s.excluded}`,
    );
    console.log(`PromQL scripts: passed / run, excluded\n${rows.join('\n')}`);
  });
});
