import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** The OTLP/gRPC endpoint from the banner (`http://host:port`), undefined when gRPC is off. */
  grpcUrl: string | undefined;
  output(): string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

/** Spawns `pgtel serve` (built) and resolves once it printed its URL. */
export function spawnServe(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], {
    // Free ports for HTTP and gRPC: several serve processes may run at once.
    env: { ...process.env, PGTEL_PORT: '0', PGTEL_GRPC_PORT: '0', PGTEL_LOG_LEVEL: 'info', ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pgtel serve did not start:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /pgtel serving on (http:\/\/\S+)/.exec(output);
      // The banner is one write: the gRPC line is there with the first.
      if (match) {
        clearTimeout(timer);
        const grpcUrl = /OTLP\/gRPC\s+(http:\/\/\S+)/.exec(output)?.[1];
        resolve({ child, url: match[1]!, grpcUrl, output: () => output, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`pgtel serve exited with ${code}:\n${output}`));
    });
  });
}
