import { ValidationError } from '../../errors.js';
import type { HealthCheck } from '../HealthCheck.js';
import type { BuiltinCheckOptions } from './databaseCheck.js';

/** Options of `httpCheck`. */
export interface HttpCheckOptions extends BuiltinCheckOptions {
  /** Default `GET`. */
  method?: 'GET' | 'HEAD';
  /** Request headers. Default: none. */
  headers?: Record<string, string>;
  /** Which statuses count as healthy. Default 200-399 (redirects are not followed). */
  expectStatus?: (status: number) => boolean;
}

/**
 * HTTP dependency reachable (name `http:<host>`, readiness, critical). The request is aborted when
 * the check times out. Messages never contain the URL (it may carry a token).
 */
export function httpCheck(url: string | URL, options: HttpCheckOptions = {}): HealthCheck {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ValidationError('httpCheck needs an absolute http(s) URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new ValidationError(`httpCheck needs an http(s) URL, got ${target.protocol}`);
  }
  const expectStatus = options.expectStatus ?? ((status: number) => status >= 200 && status < 400);
  return {
    name: options.name ?? `http:${target.hostname}`,
    probes: options.probes ?? ['readiness'],
    critical: options.critical ?? true,
    timeoutMs: options.timeoutMs,
    check: async (signal) => {
      const response = await fetch(target, {
        method: options.method ?? 'GET',
        headers: options.headers,
        redirect: 'manual',
        signal,
      });
      // Release the connection without reading a body we do not need.
      await response.body?.cancel().catch(() => {});
      const message = `HTTP ${response.status}`;
      return { status: expectStatus(response.status) ? 'pass' : 'fail', message };
    },
  };
}
