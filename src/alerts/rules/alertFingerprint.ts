import { createHash } from 'node:crypto';

/** Identity of an alert instance: the rule and its labels (order-insensitive), 16 hex chars. */
export function alertFingerprint(ruleName: string, labels: Record<string, string>): string {
  const sorted = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256')
    .update(JSON.stringify([ruleName, sorted]))
    .digest('hex')
    .slice(0, 16);
}
