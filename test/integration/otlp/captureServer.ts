import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

export interface CaptureReply {
  status: number;
  contentType: string;
  body: Uint8Array;
}

export interface CaptureServer {
  /** Base URL, e.g. `http://127.0.0.1:1234`. */
  url: string;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

/** A loopback HTTP server that records every request body and answers with `reply(request)`. */
export async function startCaptureServer(
  reply: (request: CapturedRequest) => CaptureReply | Promise<CaptureReply>,
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      };
      requests.push(request);
      const answer = await reply(request);
      res.writeHead(answer.status, { 'content-type': answer.contentType });
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
