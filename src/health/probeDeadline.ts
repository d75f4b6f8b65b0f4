import type { ProbeDeadline } from './CheckRunner.js';

/** A deadline that expires after `ms` (unref'd: it never keeps the process alive); cancel it when done. */
export function probeDeadline(ms: number): ProbeDeadline & { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  return { expired, ms, cancel: () => clearTimeout(timer) };
}
