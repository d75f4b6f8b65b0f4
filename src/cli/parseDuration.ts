import { ValidationError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `500ms`, `30s`, `5m`, `1h`, `7d` or plain milliseconds into milliseconds (pure). */
export function parseDuration(name: string, raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] ?? 'ms']! : Number.NaN;
  if (!(ms >= 1 && Number.isFinite(ms)))
    throw new ValidationError(`${name} must be a duration such as 30s, 5m, 1h or 7d (got "${raw}").`);
  return Math.round(ms);
}
