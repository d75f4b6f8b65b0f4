import { type ApiConnection, connectApi } from './api/connectApi.js';
import type { CliIo } from './Command.js';

/** Options every data command takes: `--json` and `--url` of a running server. */
export const apiOptions = {
  json: { type: 'boolean' },
  url: { type: 'string' },
} as const;

/** Runs `fn` with a connection to the JSON API (see `connectApi`) and always closes it. */
export async function withApi<T>(
  values: Record<string, unknown>,
  io: CliIo,
  fn: (api: ApiConnection) => Promise<T>,
): Promise<T> {
  const api = await connectApi(values.url, io.env);
  try {
    return await fn(api);
  } finally {
    await api.close();
  }
}

/** One JSON document per invocation, newline-terminated: the stable machine-readable output. */
export function printJson(io: CliIo, value: unknown): void {
  io.out(`${JSON.stringify(value)}\n`);
}

/** A string flag, or undefined when absent. */
export function flag(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}
