import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthHandlers } from './healthHandlers.js';

/**
 * Mounts the probe handlers in a node:http server or as Express/Connect middleware:
 * `http.createServer(nodeHealthListener(handlers))`, or `app.use(nodeHealthListener(handlers))`.
 * A path that is not a probe goes to `next` when given, else gets a 404.
 */
export function nodeHealthListener(
  handlers: Pick<HealthHandlers, 'handle'>,
): (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void {
  return (req, res, next) => {
    void respond(handlers, req, res, next);
  };
}

async function respond(
  handlers: Pick<HealthHandlers, 'handle'>,
  req: IncomingMessage,
  res: ServerResponse,
  next?: (error?: unknown) => void,
): Promise<void> {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const request = new Request(new URL(req.url ?? '/', 'http://localhost'), {
      method: req.method ?? 'GET',
      headers,
    });
    const response = await handlers.handle(request);
    if (!response) {
      if (next) return next();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const body = req.method === 'HEAD' ? '' : await response.text();
    res.writeHead(response.status, Object.fromEntries(response.headers)).end(body);
  } catch {
    // Never a 500 from a probe, and never an unhandled rejection.
    if (!res.headersSent)
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end();
  }
}
