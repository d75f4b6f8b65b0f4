import { Hono } from 'hono';
import { schemaStatus } from '../../schema/schemaStatus.js';
import type { ApiDeps } from './ApiDeps.js';
import { QueryParams } from './QueryParams.js';

/** `/status`: the schema version against this server's migrations, and each table's size. */
export function statusRoutes(deps: ApiDeps): Hono {
  const app = new Hono();
  app.get('/', async (c) => {
    QueryParams.of(c.req.url).done();
    return c.json(await schemaStatus(deps.db));
  });
  return app;
}
