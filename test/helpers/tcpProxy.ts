import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of the real PostgreSQL server that a test can cut and restore, so "the
 * database stopped for a minute and restarted" is played without stopping the shared server.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly pairs = new Set<[Socket, Socket]>();
  private frozen = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** Starts listening (on the same port as before after a stop). */
  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        // Either side failing or closing ends the pair, like a server going away.
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
        s.on('close', () => (s === client ? upstream : client).destroy());
      }
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      client.on('close', () => this.pairs.delete(pair));
      if (!this.frozen) client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /**
   * Stops forwarding bytes either way while every connection stays open: a database that stalls
   * (network partition, frozen host) rather than one that goes away. New connections hang too.
   */
  freeze(): void {
    this.frozen = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Forwards again, the bytes held meanwhile included. */
  thaw(): void {
    this.frozen = false;
    for (const [client, upstream] of this.pairs) client.pipe(upstream).pipe(client);
  }

  /** Refuses new connections and cuts the open ones. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A started proxy in front of the server of `databaseUrl`, with the URL that goes through it. */
export async function proxyTo(databaseUrl: string): Promise<TcpProxy & { url: string }> {
  const url = new URL(databaseUrl);
  const proxy = new TcpProxy(url.hostname, Number(url.port || 5432));
  await proxy.start();
  url.host = `127.0.0.1:${proxy.port}`;
  return Object.assign(proxy, { url: url.toString() });
}
