const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/**
 * Milliseconds of a Prometheus duration (`30s`, `5m`, `1h30m`, `500ms`, `2d`, `1w`), or of a plain
 * number (taken as milliseconds); undefined when `value` is neither. Pure.
 */
export function promDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || !/^(\d+(ms|[smhdwy]))+$/.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(ms|[smhdwy])/g))
    total += Number(amount) * UNIT_MS[unit!]!;
  return total;
}
