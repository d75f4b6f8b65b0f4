import type { Logger } from '../../logger.js';
import type { Severity } from '../Severity.js';
import type { Notification, Notifier } from './Notifier.js';

/** Writes each notification as a log line: critical at error level, others at warn, resolved at info. */
export class LogNotifier implements Notifier {
  readonly name: string;
  readonly configured = true;
  readonly severities: readonly Severity[] | undefined;
  private readonly logger: Logger;

  constructor(logger: Logger, options: { name?: string; severities?: readonly Severity[] } = {}) {
    this.logger = logger;
    this.name = options.name ?? 'log';
    this.severities = options.severities;
  }

  async send(notification: Notification): Promise<void> {
    for (const alert of notification.alerts) {
      const line = `alert ${alert.status}: ${alert.annotations.summary ?? alert.labels.alertname}`;
      const fields = {
        severity: alert.severity,
        labels: alert.labels,
        value: alert.value,
        alertId: alert.alertId ?? null,
        links: alert.links ?? null,
      };
      if (alert.status === 'resolved') this.logger.info(line, fields);
      else if (alert.severity === 'critical') this.logger.error(line, fields);
      else this.logger.warn(line, fields);
    }
  }
}
