/**
 * The one query module behind Prometheus's HTTP API (`/api/v1/query`, `query_range`, `series`,
 * `labels`, `label/<name>/values`): reads the request's form as Prometheus does and answers its JSON
 * `data`, values as strings ("NaN", "+Inf") and times as float seconds. The HTTP routes, the CLI and
 * the dashboard all go through it.
 */

import { invalidParameter, parseApiDuration, parseApiLimit, parseApiTime } from './apiParams.js';
import { instantQuery, type QueryResult, rangeQuery } from './engine.js';
import { matches } from './labelMatch.js';
import { PromQLError } from './PromQLError.js';
import { parsePromQL } from './parser.js';
import type { LabelMatcher, Labels, SampleSource, SeriesExemplars } from './SampleSource.js';
import { planSelectors } from './selectorPlan.js';
import { compareLabels } from './sortFunctions.js';
import { labelsKey } from './values.js';

/** A request's parameters: the query string and, for POST, the form body (`URLSearchParams`). */
export type ApiForm = Pick<URLSearchParams, 'get' | 'getAll'>;

/** A successful answer's `data`, with the query's annotations. */
export interface ApiAnswer<T> {
  data: T;
  warnings?: string[];
  infos?: string[];
}

export interface ApiContext {
  source: SampleSource;
  /** The time of a query without `time`, in epoch milliseconds. */
  nowMs: number;
  /** How long a query may run (see `requestTimeoutMs`). */
  timeoutMs: number;
  /** Most samples a query may load. Default: the engine's (50,000,000). */
  maxSamples?: number;
}

export type ApiSample = [number, string];
export type ApiData =
  | { resultType: 'vector'; result: { metric: Labels; value: ApiSample }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: ApiSample[] }[] }
  | { resultType: 'scalar'; result: ApiSample }
  | { resultType: 'string'; result: ApiSample };

/** Series and label reads without `start`/`end` cover all stored time, as Prometheus. */
const MIN_TIME = 0;
const MAX_TIME = Date.UTC(9999, 11, 31);
const TRUNCATED = 'results truncated due to limit';

/** A sample value as Prometheus writes it: shortest round-trip form, exponents of two digits. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return String(v).replace(/e([+-])(\d)$/, 'e$10$2');
}

const sample = (t: number, v: number): ApiSample => [t / 1000, formatValue(v)];

function optional(form: ApiForm, name: string): string | undefined {
  const value = form.get(name);
  return value === null || value === '' ? undefined : value;
}

function required(form: ApiForm, name: string): string {
  const value = optional(form, name);
  if (value === undefined) throw invalidParameter(name, 'parameter is missing');
  return value;
}

/** The query's time limit: `timeout` when given and shorter than `maxMs`, else `maxMs`. */
export function requestTimeoutMs(form: ApiForm, maxMs: number): number {
  const raw = optional(form, 'timeout');
  if (raw === undefined) return maxMs;
  const ms = parseApiDuration('timeout', raw);
  if (!(ms > 0)) throw invalidParameter('timeout', 'timeout must be positive');
  return Math.min(ms, maxMs);
}

function parseQuery(form: ApiForm): string {
  const query = form.get('query') ?? '';
  try {
    parsePromQL(query);
  } catch (error) {
    if (error instanceof PromQLError && error.kind === 'bad_data')
      throw invalidParameter('query', error.message);
    throw error;
  }
  return query;
}

function render(result: QueryResult, limit: number): ApiAnswer<ApiData> {
  const { warnings = [], infos } = result;
  let data: ApiData;
  if (result.resultType === 'scalar') data = { resultType: 'scalar', result: sample(...result.result) };
  else if (result.resultType === 'string')
    data = { resultType: 'string', result: [result.result[0] / 1000, result.result[1]] };
  else {
    const truncated = limit > 0 && result.result.length > limit;
    if (truncated) warnings.push(TRUNCATED);
    data =
      result.resultType === 'vector'
        ? {
            resultType: 'vector',
            result: result.result.slice(0, limit || undefined).map((s) => ({
              metric: s.metric,
              value: sample(...s.value),
            })),
          }
        : {
            resultType: 'matrix',
            result: result.result.slice(0, limit || undefined).map((s) => ({
              metric: s.metric,
              values: s.values.map(([t, v]) => sample(t, v)),
            })),
          };
  }
  return { data, ...(warnings.length > 0 ? { warnings } : {}), ...(infos ? { infos } : {}) };
}

function queryOptions(ctx: ApiContext) {
  return {
    timeoutMs: ctx.timeoutMs,
    ...(ctx.maxSamples !== undefined ? { maxSamples: ctx.maxSamples } : {}),
  };
}

/** `/api/v1/query`: `query`, `time` (default now), `timeout`, `limit`. */
export async function apiQuery(ctx: ApiContext, form: ApiForm): Promise<ApiAnswer<ApiData>> {
  const time = optional(form, 'time');
  const timeMs = time === undefined ? ctx.nowMs : parseApiTime('time', time);
  const limit = parseApiLimit('limit', optional(form, 'limit'));
  const query = parseQuery(form);
  return render(await instantQuery(ctx.source, query, timeMs, queryOptions(ctx)), limit);
}

/** `/api/v1/query_range`: `query`, `start`, `end`, `step` (all required), `timeout`, `limit`. */
export async function apiQueryRange(ctx: ApiContext, form: ApiForm): Promise<ApiAnswer<ApiData>> {
  const startMs = parseApiTime('start', required(form, 'start'));
  const endMs = parseApiTime('end', required(form, 'end'));
  if (endMs < startMs) throw invalidParameter('end', 'end timestamp must not be before start time');
  const stepMs = parseApiDuration('step', required(form, 'step'));
  if (!(stepMs > 0))
    throw invalidParameter(
      'step',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if ((endMs - startMs) / stepMs > 11_000)
    throw new PromQLError(
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    );
  const limit = parseApiLimit('limit', optional(form, 'limit'));
  const query = parseQuery(form);
  return render(await rangeQuery(ctx.source, query, startMs, endMs, stepMs, queryOptions(ctx)), limit);
}

/** `start` and `end` of a series or label read; all time when absent. */
function readRange(form: ApiForm): [number, number] {
  const start = optional(form, 'start');
  const end = optional(form, 'end');
  const startMs = start === undefined ? MIN_TIME : parseApiTime('start', start);
  const endMs = end === undefined ? MAX_TIME : parseApiTime('end', end);
  if (endMs < startMs) throw invalidParameter('end', 'end timestamp must not be before start time');
  return [startMs, endMs];
}

/** Each `match[]` selector's matchers; `[[]]` (everything) when none is given and none is needed. */
function readMatchers(form: ApiForm, needed: boolean): LabelMatcher[][] {
  const selectors = form.getAll('match[]');
  if (selectors.length === 0) {
    if (needed) throw new PromQLError('bad_data', 'no match[] parameter provided');
    return [[]];
  }
  return selectors.map((text) => {
    let expr: ReturnType<typeof parsePromQL>;
    try {
      expr = parsePromQL(text);
    } catch (error) {
      if (error instanceof PromQLError) throw invalidParameter('match[]', error.message);
      throw error;
    }
    if (expr.type !== 'vectorSelector')
      throw invalidParameter('match[]', `${JSON.stringify(text)} is not a series selector`);
    if (expr.matchers.every((m) => matches(m, {})))
      throw invalidParameter('match[]', 'match[] must contain at least one non-empty matcher');
    return [...expr.matchers];
  });
}

/** `/api/v1/series`: the label sets matching any `match[]`, within `start`/`end`, at most `limit`. */
export async function apiSeries(ctx: ApiContext, form: ApiForm): Promise<ApiAnswer<Labels[]>> {
  const [startMs, endMs] = readRange(form);
  const limit = parseApiLimit('limit', optional(form, 'limit'));
  const seen = new Map<string, Labels>();
  for (const matchers of readMatchers(form, true)) {
    for (const labels of await ctx.source.matchingSeries(matchers, startMs, endMs))
      seen.set(labelsKey(labels), labels);
  }
  const all = [...seen.values()].sort(compareLabels);
  return truncate(all, limit);
}

function truncate<T>(all: T[], limit: number): ApiAnswer<T[]> {
  if (limit > 0 && all.length > limit) return { data: all.slice(0, limit), warnings: [TRUNCATED] };
  return { data: all };
}

/** Union of one read over every `match[]` (or over all series), sorted, at most `limit`. */
async function union(
  form: ApiForm,
  read: (matchers: LabelMatcher[], startMs: number, endMs: number) => Promise<string[]>,
): Promise<ApiAnswer<string[]>> {
  const [startMs, endMs] = readRange(form);
  const limit = parseApiLimit('limit', optional(form, 'limit'));
  const all = new Set<string>();
  for (const matchers of readMatchers(form, false)) {
    for (const value of await read(matchers, startMs, endMs)) all.add(value);
  }
  return truncate([...all].sort(), limit);
}

/** `/api/v1/labels`: label names of the series matching `match[]` (all when absent). */
export function apiLabels(ctx: ApiContext, form: ApiForm): Promise<ApiAnswer<string[]>> {
  return union(form, (matchers, s, e) => ctx.source.labelNames(matchers, s, e));
}

/** `/api/v1/label/<name>/values`: the values of one label over the matching series. */
export async function apiLabelValues(
  ctx: ApiContext,
  name: string,
  form: ApiForm,
): Promise<ApiAnswer<string[]>> {
  if (!/^[a-zA-Z_][a-zA-Z0-9_.]*$/.test(name))
    throw new PromQLError('bad_data', `invalid label name: ${JSON.stringify(name)}`);
  return union(form, (matchers, s, e) => ctx.source.labelValues(name, matchers, s, e));
}

/**
 * `/api/v1/query_exemplars`: the exemplars, observed between `start` and `end`, of the series each
 * selector of `query` matches (selectors of one series merged), in Prometheus's shape.
 */
export async function apiQueryExemplars(
  ctx: ApiContext,
  form: ApiForm,
): Promise<
  ApiAnswer<{ seriesLabels: Labels; exemplars: { labels: Labels; value: string; timestamp: number }[] }[]>
> {
  const [startMs, endMs] = readRange(form);
  const query = parseQuery(form);
  if (!ctx.source.exemplars) return { data: [] };
  const selectors = planSelectors(parsePromQL(query), {
    queryStartMs: startMs,
    queryEndMs: endMs,
    lookbackMs: 0,
  });
  const bySeries = new Map<string, SeriesExemplars>();
  for (const { selector } of selectors) {
    for (const found of await ctx.source.exemplars(selector.matchers, startMs, endMs)) {
      bySeries.set(labelsKey(found.seriesLabels), found);
    }
  }
  return {
    data: [...bySeries.values()].map((s) => ({
      seriesLabels: s.seriesLabels,
      exemplars: s.exemplars.map((e) => ({
        labels: e.labels,
        value: String(e.value),
        timestamp: e.timestampMs / 1000,
      })),
    })),
  };
}
