/**
 * The URL a client on this machine reaches a server on: a wildcard listen address (`0.0.0.0`, `::`)
 * is reached on loopback, and IPv6 addresses are bracketed (pure).
 */
export function reachableUrl(host: string, port: number): string {
  const reached = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${reached.includes(':') ? `[${reached}]` : reached}:${port}`;
}
