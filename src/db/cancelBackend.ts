import { connect } from 'node:net';

/** What node-postgres keeps about a connected client (set once the server sent its key). */
interface BackendKey {
  host?: string;
  port?: number;
  processID?: number | null;
  secretKey?: number | null;
}

/** Gives up on the cancel request after this long (the server may be the thing that stalls). */
const CANCEL_TIMEOUT_MS = 2000;

/**
 * Asks the server to cancel whatever `client`'s backend is running, on a connection of its own (the
 * protocol's CancelRequest: 16 bytes, no authentication, no answer). Best effort and fire-and-forget:
 * errors are swallowed, the socket is closed after {@link CANCEL_TIMEOUT_MS} at the latest.
 */
export function cancelBackend(client: BackendKey): void {
  const { host, port, processID, secretKey } = client;
  if (typeof processID !== 'number' || typeof secretKey !== 'number' || !port) return;
  const request = Buffer.alloc(16);
  request.writeInt32BE(16, 0);
  request.writeInt32BE(80877102, 4); // the CancelRequest code: 1234 << 16 | 5678
  request.writeInt32BE(processID, 8);
  request.writeInt32BE(secretKey, 12);
  const socket =
    host?.startsWith('/') === true
      ? connect(`${host}/.s.PGSQL.${port}`)
      : connect(port, host === undefined || host === '' ? 'localhost' : host);
  socket.setTimeout(CANCEL_TIMEOUT_MS, () => socket.destroy());
  socket.on('error', () => socket.destroy());
  socket.on('connect', () => socket.end(request));
}
