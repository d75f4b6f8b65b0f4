import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** A real HTTP server on loopback that records requests and answers with `respond` (default 200). */
export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status to answer the next requests with; a function may also delay (a slow receiver). */
  respond: (request: ReceivedRequest) => number | Promise<number>;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const receiver: HttpReceiver = {
    url: '',
    requests: [],
    respond: () => 200,
    close: async () => {},
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: keep the text.
      }
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      receiver.requests.push(request);
      const status = await receiver.respond(request);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"ok":true}' : '{"ok":false,"description":"receiver refused"}');
    });
  });
  // No idle timeout: the embedded database can block the event loop for seconds, after which the
  // server's keep-alive timer and the client's reuse of the idle socket race ("fetch failed").
  server.keepAliveTimeout = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
