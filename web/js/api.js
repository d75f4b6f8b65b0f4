/** The JSON API client: relative to the page, with the bearer token when one is saved. */

/**
 * The answer of a JSON API route as the server's contract declares it (src/http/api/contract.ts,
 * dates as ISO-8601 strings). Views cast `api.get` to it, so `npm run typecheck` fails when an
 * answer changes shape under a view that reads it.
 * @template {import('../../src/http/api/contract.js').ApiRoute} R
 * @typedef {import('../../src/http/api/contract.js').ApiResponse<R>} ApiResponse
 */

const TOKEN_KEY = 'pgtel.apiToken';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function savedToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export function saveToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Builds `api/<path>?<params>`, dropping empty values; arrays become repeated parameters. */
export function apiUrl(path, params = {}) {
  const url = new URL(`api/${path}`, document.baseURI);
  for (const [key, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') url.searchParams.append(key, String(item));
    }
  }
  return url;
}

async function request(method, path, params, body) {
  const headers = { accept: 'application/json' };
  const token = savedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(apiUrl(path, params), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'pgtel is not reachable: is `pgtel serve` running?');
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    // pgtel's shape is { error: { code, message } }; Prometheus's API answers { errorType, error }.
    const prometheus = typeof data?.error === 'string';
    throw new ApiError(
      response.status,
      (prometheus ? data.errorType : data?.error?.code) ?? 'HTTP',
      (prometheus ? data.error : data?.error?.message) ?? `HTTP ${response.status}`,
    );
  }
  return data;
}

export const api = {
  get: (path, params) => request('GET', path, params),
  post: (path, body) => request('POST', path, undefined, body),
};
