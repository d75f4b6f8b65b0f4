import { type Clock, systemClock } from '../../clock.js';
import type { Severity } from '../Severity.js';
import { alertmanagerApiAlerts } from './alertmanagerApiAlerts.js';
import type { Notification, Notifier, SendContext } from './Notifier.js';
import { postJson } from './postJson.js';

export interface AlertmanagerNotifierOptions {
  /** Alertmanager base URL, e.g. `http://alertmanager:9093`; unset means not configured. */
  url: string | undefined;
  /** Notifier name (default `alertmanager`). */
  name?: string;
  /** Severities routed to this notifier. Default: all. */
  severities?: readonly Severity[];
  /** How long a firing alert stays active in Alertmanager without a resend (default 5 h, above the 4 h repeat). */
  firingTtlMs?: number;
  /** `generatorURL` of the pushed alerts. Default: empty. */
  generatorURL?: string;
  /** Source of time for `startsAt`/`endsAt`. Default: the system clock. */
  clock?: Clock;
}

/** Pushes alerts to a real Alertmanager's `/api/v2/alerts`, which then groups, silences and routes them. */
export class AlertmanagerNotifier implements Notifier {
  readonly name: string;
  readonly configured: boolean;
  readonly severities: readonly Severity[] | undefined;
  private readonly options: AlertmanagerNotifierOptions;
  private readonly clock: Clock;

  constructor(options: AlertmanagerNotifierOptions) {
    this.options = options;
    this.name = options.name ?? 'alertmanager';
    this.configured = Boolean(options.url);
    this.severities = options.severities;
    this.clock = options.clock ?? systemClock;
  }

  async send(notification: Notification, context: SendContext): Promise<void> {
    const body = alertmanagerApiAlerts(
      notification,
      this.clock.now(),
      this.options.firingTtlMs ?? 5 * 3_600_000,
      this.options.generatorURL ?? '',
    );
    const url = `${this.options.url!.replace(/\/+$/, '')}/api/v2/alerts`;
    await postJson(url, body, {
      headers: { 'idempotency-key': context.idempotencyKey },
      signal: context.signal,
    });
  }
}
