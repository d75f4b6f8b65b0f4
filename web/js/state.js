/** The dashboard's state lives in the URL hash (`#/traces?service=api&range=1h`): links are shareable. */

const RANGES = {
  '15m': 900_000,
  '1h': 3_600_000,
  '6h': 21_600_000,
  '24h': 86_400_000,
  '7d': 604_800_000,
  '30d': 2_592_000_000,
};
export const DEFAULT_RANGE = '1h';

/** The current route: `path` segments after `#/` and the query parameters. */
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

/**
 * @param {string[]} path
 * @param {URLSearchParams | Record<string, unknown>} [params]
 */
export function routeHref(path, params = new URLSearchParams()) {
  const query = params instanceof URLSearchParams ? params : toParams(params);
  const text = query.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`;
}

function toParams(object) {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(object)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') params.append(key, String(item));
    }
  }
  return params;
}

/** Goes to a route (a new history entry). Keeps the time range unless `params` sets one. */
export function navigate(path, params = {}) {
  const next = toParams(params);
  const range = currentRoute().params.get('range');
  if (range && !next.has('range')) next.set('range', range);
  location.hash = routeHref(path, next);
}

/** Changes parameters of the current route in place (no new history entry) without re-rendering. */
export function replaceParams(patch) {
  const { path, params } = currentRoute();
  for (const [key, value] of Object.entries(patch)) {
    params.delete(key);
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== '') params.append(key, String(item));
    }
  }
  history.replaceState(null, '', routeHref(path, params));
}

/** Changes parameters of the current route in place (no new history entry) and re-renders. */
export function updateParams(patch) {
  replaceParams(patch);
  window.dispatchEvent(new HashChangeEvent('hashchange'));
}

/**
 * The window to show, as epoch ms: `from` and `to` of the URL when both are there (a range picked on a
 * chart), else the selected range key (`1h`) ending now. `explicit` is false for the default range.
 */
export function timeRange(params = currentRoute().params) {
  const key = RANGES[params.get('range')] ? params.get('range') : DEFAULT_RANGE;
  const from = Number(params.get('from'));
  const to = Number(params.get('to'));
  if (from > 0 && to > from) return { key, from, to, explicit: true };
  const now = Date.now();
  return { key, from: now - RANGES[key], to: now, explicit: params.has('range') };
}
