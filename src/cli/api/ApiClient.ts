import {
  ConfigError,
  ConflictError,
  DatabaseError,
  NotFoundError,
  type PgtelError,
  ValidationError,
} from '../../errors.js';
import { readServerSentEvents, type ServerSentEvent } from './readServerSentEvents.js';

/** How a request reaches the JSON API: real `fetch` to a server, or an in-process app's `fetch`. */
export type ApiTransport = (request: Request) => Promise<Response>;

function errorFor(status: number, code: string, message: string): PgtelError {
  if (status === 404) return new NotFoundError(message);
  if (status === 400 || status === 413 || status === 415 || status === 422)
    return new ValidationError(message);
  if (status === 409) return new ConflictError(message);
  if (status === 401) return new ConfigError(`${message}: set PGTEL_API_TOKEN to the server's token`);
  return new DatabaseError(`the server answered ${status} ${code}: ${message}`);
}

/**
 * A tiny client of pgtel's JSON API (docs/api.md). The same code serves every data command whether
 * it talks to a running `pgtel serve` over HTTP or to the API app in this process.
 */
export class ApiClient {
  /**
   * @param baseUrl Origin of the server (e.g. `http://127.0.0.1:4318`); requests go to `<baseUrl>/api/...`.
   * @param token Sent as `Authorization: Bearer <token>` when set.
   */
  constructor(
    readonly baseUrl: string,
    private readonly transport: ApiTransport,
    private readonly token?: string,
  ) {}

  /** GETs `/api<path>` with the given query parameters (undefined ones skipped; arrays repeat). */
  get<T>(path: string, params: Record<string, string | readonly string[] | undefined> = {}): Promise<T> {
    return this.send<T>(new Request(this.url(path, params), { headers: this.headers() }));
  }

  /**
   * The Server-Sent Events of a streaming GET (`/logs/tail`), until the server ends the stream or
   * `signal` aborts it (then the iteration just ends). A refused request throws as `get` does.
   */
  async *events(
    path: string,
    params: Record<string, string | readonly string[] | undefined>,
    signal?: AbortSignal,
  ): AsyncGenerator<ServerSentEvent> {
    const request = new Request(this.url(path, params), {
      headers: { ...this.headers(), accept: 'text/event-stream' },
      ...(signal ? { signal } : {}),
    });
    const response = await this.open(request);
    if (!response.ok) await this.read(response);
    if (!response.body) return;
    try {
      yield* readServerSentEvents(response.body, signal);
    } catch (error) {
      if (!signal?.aborted) throw error;
    }
  }

  private url(path: string, params: Record<string, string | readonly string[] | undefined>): URL {
    const url = new URL(`/api${path}`, this.baseUrl);
    for (const [key, value] of Object.entries(params)) {
      if (value === undefined) continue;
      for (const one of typeof value === 'string' ? [value] : value) url.searchParams.append(key, one);
    }
    return url;
  }

  /** POSTs a JSON body to `/api<path>`. */
  post<T>(path: string, body: unknown): Promise<T> {
    return this.write<T>('POST', path, body);
  }

  /** PUTs a JSON body to `/api<path>`. */
  put<T>(path: string, body: unknown): Promise<T> {
    return this.write<T>('PUT', path, body);
  }

  private write<T>(method: string, path: string, body: unknown): Promise<T> {
    return this.send<T>(
      new Request(new URL(`/api${path}`, this.baseUrl), {
        method,
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async open(request: Request): Promise<Response> {
    try {
      return await this.transport(request);
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new DatabaseError(
        `Cannot reach the pgtel server at ${this.baseUrl} (${cause}); is pgtel serve running?`,
        {
          cause: error,
        },
      );
    }
  }

  private async send<T>(request: Request): Promise<T> {
    return this.read<T>(await this.open(request));
  }

  /** The JSON body of an answer; an error answer throws the error class of its status. */
  private async read<T>(response: Response): Promise<T> {
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new DatabaseError(
        `the server at ${this.baseUrl} answered ${response.status} with a body that is not JSON`,
      );
    }
    if (!response.ok) {
      // pgtel's shape is { error: { code, message } }; Prometheus's API answers { errorType, error }.
      const raw = body as { error?: { code?: string; message?: string } | string; errorType?: string };
      const error =
        typeof raw.error === 'string' ? { code: raw.errorType, message: raw.error } : (raw.error ?? {});
      throw errorFor(response.status, error.code ?? 'PGTEL_INTERNAL', error.message ?? response.statusText);
    }
    return body as T;
  }
}
