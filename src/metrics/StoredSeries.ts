import { toPgText } from '../db/copyText.js';
import { type SeriesIdentity, seriesId } from './seriesId.js';

/** A series as written: its identity and the id every process derives from it. */
export interface StoredSeries extends SeriesIdentity {
  readonly id: string;
}

function storableMap(map: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const key of Object.keys(map)) result[toPgText(key)] = toPgText(map[key]!);
  return result;
}

/**
 * The identity as PostgreSQL stores it (no NUL, no lone surrogate: both become U+FFFD) with its id
 * (see `seriesId`).
 */
export function storedSeries(identity: SeriesIdentity): StoredSeries {
  const stored: SeriesIdentity = {
    name: toPgText(identity.name),
    serviceName: toPgText(identity.serviceName),
    resource: storableMap(identity.resource),
    scopeName: toPgText(identity.scopeName),
    scopeVersion: toPgText(identity.scopeVersion),
    labels: storableMap(identity.labels),
  };
  return { ...stored, id: seriesId(stored) };
}

/** The resource, scope and name a writer shares across its series; only the labels differ. */
export type SeriesOrigin = Omit<SeriesIdentity, 'labels'>;
