/** Pure month arithmetic for monthly range partitions; every bound is in UTC. */

const DAY_MS = 86_400_000;

/** First instant (UTC) of the month holding `at`, shifted by `offset` months. */
export function monthStart(at: number | Date, offset = 0): Date {
  const d = new Date(at);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

/** `metrics_p2026_01` for January 2026. */
export function partitionName(table: string, month: Date): string {
  return `${table}_p${month.getUTCFullYear()}_${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month a partition name stands for, or undefined if the name is not one of ours. */
export function partitionMonth(table: string, name: string): Date | undefined {
  const prefix = `${table}_p`;
  if (!name.startsWith(prefix)) return undefined;
  const match = /^(\d{4})_(\d{2})$/.exec(name.slice(prefix.length));
  if (!match) return undefined;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
}

/** The current month and `ahead` months after it. */
export function monthsAhead(now: number, ahead: number): Date[] {
  return Array.from({ length: ahead + 1 }, (_, i) => monthStart(now, i));
}

/** Rows older than this instant are past retention. */
export function retentionCutoff(now: number, retentionDays: number): Date {
  return new Date(now - retentionDays * DAY_MS);
}

/** A month's partition may be dropped once its last instant is older than the cutoff. */
export function isExpired(month: Date, cutoff: Date): boolean {
  return monthStart(month, 1).getTime() <= cutoff.getTime();
}
