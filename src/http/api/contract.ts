// The JSON API's contract, declared once: what each route reads from its query string and what it
// answers. The routes check their answers against `ApiBodies` (`satisfies`); the CLI reads answers
// as `ApiResponse`; the dashboard's modules import the same types in JSDoc and are type-checked
// (`npm run typecheck`, tsconfig.web.json), so changing an answer's shape breaks the build of every
// reader that depends on it. docs/api.md describes the routes for people.

import type { TraceWorkflow } from '../../links/workflowsOfTrace.js';
import type { MetricSummary, PercentileLine, SeriesLine } from '../../metrics/queryMetrics.js';
import type { SpanStatusName } from '../../tracing/SpanRow.js';
import type { TraceSummary } from '../../tracing/traceQueries.js';
import type { Workflow, WorkflowHistoryEntry } from '../../workflows/Workflow.js';
import type { WorkflowStatus } from '../../workflows/WorkflowDefinition.js';
import type { PhaseDuration } from '../../workflows/workflowQueries.js';
import type { WaterfallSpan } from './flattenSpanTree.js';

/** A value as JSON carries it: a Date becomes its ISO-8601 string, the rest as it is. */
export type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** Query parameters common to windowed reads: ISO-8601 or epoch milliseconds. */
interface WindowQuery {
  /** Default: the route's window before `to`. */
  from?: string | undefined;
  /** Default: now. */
  to?: string | undefined;
}

/** The series filter of the metric routes. */
interface SeriesFilterQuery extends WindowQuery {
  /** `key:value` point labels, repeated. */
  labels?: readonly string[] | undefined;
  /** Services (`service.name`), repeated: any of them. */
  service?: readonly string[] | undefined;
  /** `key:value` resource attributes, repeated. */
  resource?: readonly string[] | undefined;
}

/** The echo of the series filter in a metric answer. */
interface SeriesFilterEcho {
  labels: Record<string, string>;
  /** Present when the request gave services. */
  service?: string[];
  resource: Record<string, string>;
}

/** The query string each route reads (every value a string, repeated parameters as arrays). */
export interface ApiQueries {
  'GET /services': Record<string, never>;
  'GET /operations': { service: string };
  'GET /traces': WindowQuery & {
    service?: string | undefined;
    operation?: string | undefined;
    status?: SpanStatusName | undefined;
    minDurationMs?: string | undefined;
    maxDurationMs?: string | undefined;
    /** `key:value` attribute equality, repeated (at most 5). */
    attr?: readonly string[] | undefined;
    /** 1 to 200, default 20. */
    limit?: string | undefined;
    /** The `nextCursor` of the previous page. */
    cursor?: string | undefined;
  };
  'GET /traces/:traceId': Record<string, never>;
  'GET /workflows': {
    status?: WorkflowStatus | undefined;
    type?: string | undefined;
    stuck?: 'true' | 'false' | undefined;
    correlationId?: string | undefined;
    /** 1 to 500, default 50. */
    limit?: string | undefined;
    cursor?: string | undefined;
  };
  'GET /workflows/:id': Record<string, never>;
  'GET /metrics': WindowQuery & { service?: readonly string[] | undefined };
  'GET /metrics/:name/series': SeriesFilterQuery & {
    /** A duration: `30s`, `5m`, or milliseconds. */
    step?: string | undefined;
    /** Comma-separated keys. */
    groupBy?: string | undefined;
    maxLines?: string | undefined;
  };
  'GET /metrics/:name/percentiles': SeriesFilterQuery & {
    step?: string | undefined;
    /** Comma-separated quantiles, default `0.5,0.95,0.99`. */
    p?: string | undefined;
    /** `service.name` or nothing. */
    groupBy?: string | undefined;
  };
}

/** One trace as `/traces/:traceId` answers it: totals, its workflows and its spans as waterfall rows. */
export interface TraceDetail {
  traceId: string;
  spanCount: number;
  errorCount: number;
  /** True when the trace has more spans than shown. */
  truncated: boolean;
  services: string[];
  startTime: Date;
  endTime: Date;
  durationMs: number;
  workflows: TraceWorkflow[];
  spans: WaterfallSpan[];
}

/** What each route answers, as the server builds it (before JSON turns Dates into strings). */
export interface ApiBodies {
  'GET /services': { services: string[] };
  'GET /operations': { service: string; operations: string[] };
  'GET /traces': { traces: TraceSummary[]; nextCursor: string | null };
  'GET /traces/:traceId': TraceDetail;
  'GET /workflows': { workflows: Workflow[]; nextCursor: string | null };
  'GET /workflows/:id': { workflow: Workflow; history: WorkflowHistoryEntry[]; phases: PhaseDuration[] };
  'GET /metrics': { from: Date; to: Date; metrics: MetricSummary[] };
  'GET /metrics/:name/series': SeriesFilterEcho & {
    name: string;
    from: Date;
    to: Date;
    stepMs: number;
    groupBy: string[];
    type: string | null;
    lines: SeriesLine[];
    truncated: boolean;
  };
  'GET /metrics/:name/percentiles': SeriesFilterEcho & {
    name: string;
    from: Date;
    to: Date;
    stepMs: number;
    groupBy: string[];
    series: PercentileLine[];
    truncated: boolean;
  };
}

/** A route of the contract, as `METHOD /path` with `:parameters`. */
export type ApiRoute = keyof ApiBodies;

/** What a client reads from `route`: its body as JSON. */
export type ApiResponse<R extends ApiRoute> = Json<ApiBodies[R]>;

/** What a client may send to `route` as its query string. */
export type ApiQuery<R extends keyof ApiQueries> = ApiQueries[R];
