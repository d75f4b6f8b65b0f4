import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '../serveStatic.js';

/** Files of installed packages the dashboard loads, by URL name. */
const PACKAGES: Record<string, { module: string; folder: string }> = {
  uplot: { module: 'uplot/package.json', folder: 'dist' },
};

/**
 * The dashboard's third-party browser files, served from `node_modules` so nothing is copied or
 * built: mount at `/vendor` and `/vendor/uplot/uPlot.esm.js` is `uplot/dist/uPlot.esm.js`.
 */
export function vendorAssets(): Hono {
  const require = createRequire(import.meta.url);
  const roots = new Map(
    Object.entries(PACKAGES).map(([name, p]) => [name, join(dirname(require.resolve(p.module)), p.folder)]),
  );
  const app = new Hono();
  app.get('/:pkg/*', async (c) => {
    const root = roots.get(c.req.param('pkg'));
    const rest = c.req.path.slice(
      c.req.path.indexOf(`/${c.req.param('pkg')}/`) + c.req.param('pkg').length + 1,
    );
    const response = root ? await serveStatic(root, rest) : undefined;
    if (!response) return c.notFound();
    response.headers.set('cache-control', 'public, max-age=86400');
    return response;
  });
  return app;
}
