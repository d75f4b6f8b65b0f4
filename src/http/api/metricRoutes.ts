import { Hono } from 'hono';
import { systemClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { exemplarTraces } from '../../links/exemplarTraces.js';
import type { ApiDeps } from './ApiDeps.js';
import { listMetrics, metricPercentiles, metricSeries } from './metricQueries.js';
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

/** `/metrics`: the list, a metric's series over time, its percentiles and its exemplars' traces. */
export function metricRoutes(deps: ApiDeps): Hono {
  const clock = deps.clock ?? systemClock;
  const app = new Hono();

  app.get('/', async (c) => {
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, 24 * HOUR);
    params.done();
    const metrics = await readOnlyQuery(deps, (tx) => listMetrics(tx, window));
    return c.json({ from: window.from, to: window.to, metrics });
  });

  app.get('/:name/series', async (c) => {
    const name = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const stepMs = seriesStep(window, params.duration('step'));
    const labels = params.pairs('labels');
    const groupBy = params.keys('groupBy');
    const maxLines = params.integer('maxLines', 1, 100, 20);
    params.done();
    const result = await readOnlyQuery(deps, (tx) =>
      metricSeries(tx, name, { window, stepMs, labels, groupBy, maxLines }),
    );
    return c.json({ name, from: window.from, to: window.to, stepMs, labels, groupBy, ...result });
  });

  app.get('/:name/percentiles', async (c) => {
    const name = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const window = timeWindow(params, clock, HOUR);
    const stepMs = seriesStep(window, params.duration('step'), 500, 60);
    const quantiles = params.numbers('p', 0, 1, 5) ?? [0.5, 0.95, 0.99];
    const labels = params.pairs('labels');
    params.done();
    const series = await readOnlyQuery(deps, (tx) =>
      metricPercentiles(tx, name, { window, stepMs, labels, quantiles }),
    );
    return c.json({ name, from: window.from, to: window.to, stepMs, labels, series });
  });

  app.get('/:name/exemplars', async (c) => {
    const metric = metricName(c.req.param('name'));
    const params = QueryParams.of(c.req.url);
    const { from, to } = timeWindow(params, clock, HOUR);
    const labels = params.pairs('labels');
    const limit = params.integer('limit', 1, 100, 10);
    params.done();
    const exemplars = await readOnlyQuery(deps, (tx) =>
      exemplarTraces(tx, { metric, from, to, labels, limit }),
    );
    return c.json({ exemplars });
  });

  return app;
}
