/**
 * The scheduled flush after the one due at `due`, on that interval's grid: flushes stay `intervalMs`
 * apart however late a timer fires or however long a flush takes (a flush missed entirely is skipped,
 * not run twice). Pure.
 */
export function nextFlushTime(due: number, now: number, intervalMs: number): number {
  const missed = Math.max(0, Math.floor((now - due) / intervalMs));
  return due + (missed + 1) * intervalMs;
}
