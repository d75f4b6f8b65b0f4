import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { exemplarTraces } from '../../links/exemplarTraces.js';
import { listMetrics, metricPercentiles, metricSeries } from '../../metrics/queryMetrics.js';
import { normalizeServices, SERVICE_KEY } from '../../metrics/SeriesFilter.js';
import type { ApiDeps } from './ApiDeps.js';
import type { ApiBodies } from './contract.js';
import { QueryParams } from './QueryParams.js';
import { readOnlyQuery } from './readOnlyQuery.js';
import { seriesStep, timeWindow } from './timeWindow.js';

const HOUR = 3_600_000;

/** A metric name from the path: any text (it is only ever a bound parameter), within a sane length. */
function metricName(raw: string): string {
  if (raw.length > 255 || raw.includes('\0'))
    throw new ValidationError('metric name must be at most 255 characters without NUL');
  return raw;
}

/**
 * The series filter of a request: `labels=k:v` (point attributes), `service=` (repeatable: any of
 * them) and `resource=k:v` (resource attributes). An absent `service` is no restriction.
 */
function seriesFilter(params: QueryParams): {
  labels: Record<string, string>;
  services: string[] | undefined;
  resource: Record<string, string>;
} {
  const labels = params.pairs('labels');
  const list = params.list('service');
  const pairs = params.pairs('resource');
  const { [SERVICE_KEY]: _service, ...resource } = pairs;
  // resource=service.name:X is a service filter too (both must hold).
  const services = normalizeServices(list.length > 0 ? list : undefined, pairs);
  return { labels, services, resource };
}

/** The filter as echoed in a response: `service` only when given. */
function echo(filter: ReturnType<typeof seriesFilter>) {
  return {
    labels: filter.labels,
    ...(filter.services ? { service: filter.services } : {}),
    resource: filter.resource,
  };
}

/** `/metrics`: the list, a metric's series over time, its percentiles and its exemplars' traces. */
/** What a series or percentiles answer echoes of its request. */
function seriesHeader(
  name: string,
  window: { from: Date; to: Date },
  stepMs: number,
  filter: Parameters<typeof echo>[0],
  groupBy: string[],
) {
  return { name, from: window.from, to: window.to, stepMs, ...echo(filter), groupBy };
}

export function metricRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, 24 * HOUR);
    const services = params.list('service');
    params.done();
    const metrics = await readOnlyQuery(deps, (tx) =>
      listMetrics(tx, window, services.length > 0 ? services : undefined),
    );
    return c.json({ from: window.from, to: window.to, metrics } satisfies ApiBodies['GET /metrics']);
  });

  app.get('/:name/series', async (c) => {
    const name = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const stepMs = seriesStep(window, params.duration('step'));
    const filter = seriesFilter(params);
    const groupBy = params.keys('groupBy');
    const maxLines = params.integer('maxLines', 1, 100, 20);
    params.done();
    const result = await readOnlyQuery(deps, (tx) =>
      metricSeries(tx, name, { window, stepMs, ...filter, groupBy, maxLines }),
    );
    return c.json({
      ...seriesHeader(name, window, stepMs, filter, groupBy),
      ...result,
    } satisfies ApiBodies['GET /metrics/:name/series']);
  });

  app.get('/:name/percentiles', async (c) => {
    const name = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const stepMs = seriesStep(window, params.duration('step'), 500, 60);
    const quantiles = params.numbers('p', 0, 1, 5) ?? [0.5, 0.95, 0.99];
    const filter = seriesFilter(params);
    const groupBy = params.keys('groupBy', 1);
    if (groupBy.some((k) => k !== SERVICE_KEY))
      throw new ValidationError(`groupBy of percentiles may only be ${SERVICE_KEY}, got "${groupBy[0]}"`);
    params.done();
    const result = await readOnlyQuery(deps, (tx) =>
      metricPercentiles(tx, name, { window, stepMs, ...filter, quantiles, byService: groupBy.length > 0 }),
    );
    return c.json({
      ...seriesHeader(name, window, stepMs, filter, groupBy),
      ...result,
    } satisfies ApiBodies['GET /metrics/:name/percentiles']);
  });

  app.get('/:name/exemplars', async (c) => {
    const metric = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const { from, to } = timeWindow(params, clock, HOUR);
    const { labels, services, resource } = seriesFilter(params);
    const limit = params.integer('limit', 1, 100, 10);
    params.done();
    const exemplars = await readOnlyQuery(deps, (tx) =>
      exemplarTraces(tx, { metric, from, to, labels, services, resource, limit }),
    );
    return c.json({ exemplars });
  });

  return app;
}
