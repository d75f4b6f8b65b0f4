import { createHash } from 'node:crypto';
import { toPgText } from '../db/copyText.js';

/** What identifies a metric series: the same identity always gets the same id, in any process. */
export interface SeriesIdentity {
  name: string;
  /** The resource's `service.name`; '' when unknown. */
  serviceName: string;
  /** The other resource attributes, values as text. */
  resource: Readonly<Record<string, string>>;
  scopeName: string;
  scopeVersion: string;
  /** The point attributes, values as text. */
  labels: Readonly<Record<string, string>>;
}

const byCodePoint = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The map's pairs in code point order of keys, as the SQL function `metric_pairs_text` writes them. */
function pairsText(pairs: Readonly<Record<string, string>>): string {
  return Object.keys(pairs)
    .sort(byCodePoint)
    .map((key) => `${key}\x1e${pairs[key]}`)
    .join('\x1d');
}

/**
 * The id of a series, as decimal text of a signed 64-bit integer: the first 8 bytes of the MD5 of its
 * identity, exactly as the SQL function `metric_series_id` computes it, so writers need no round trip
 * to learn an id. Read `series_id` back as text (`series_id::text`): it does not fit a JS number.
 */
export function seriesId(identity: SeriesIdentity): string {
  const text = [
    identity.name,
    identity.serviceName,
    pairsText(identity.resource),
    identity.scopeName,
    identity.scopeVersion,
    pairsText(identity.labels),
  ].join('\x1f');
  // Hash the text as PostgreSQL stores it (no NUL, no lone surrogate), so both sides agree.
  return createHash('md5').update(toPgText(text)).digest().readBigInt64BE(0).toString();
}
