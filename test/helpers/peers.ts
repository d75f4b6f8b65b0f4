import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/** True when a program is on PATH (real peers come from Debian packages that CI installs). */
export function hasBinary(name: string, versionFlag = '--version'): boolean {
  try {
    execFileSync(name, [versionFlag], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
