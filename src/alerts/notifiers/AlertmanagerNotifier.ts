import { type Clock, systemClock } from '../../clock.js';
import type { Severity } from '../Severity.js';
import { alertmanagerApiAlerts } from './alertmanagerApiAlerts.js';
import type { Notification, Notifier, SendContext } from './Notifier.js';
import { type UrlSource, urlOf } from './notificationLinks.js';
import { postJson } from './postJson.js';

/** Alerts per request, as Prometheus batches them: a large re-send never makes one huge body. */
export const ALERTMANAGER_BATCH_SIZE = 64;

/** Default `firingTtlMs`: 4 re-send periods of one minute, as Prometheus's default. */
export const DEFAULT_FIRING_TTL_MS = 4 * 60_000;

/** Options of `AlertmanagerNotifier`. */
export interface AlertmanagerNotifierOptions {
  /** Alertmanager base URL, e.g. `http://alertmanager:9093`; unset means not configured. */
  url: string | undefined;
  /** Notifier name (default `alertmanager`); each Alertmanager has its own, hence its own delivery state. */
  name?: string;
  /** Severities routed to this notifier. Default: all. */
  severities?: readonly Severity[];
  /**
   * How long a firing alert stays active in Alertmanager without being pushed again (default 4 min).
   * Prometheus uses 4 × max(resend delay, evaluation interval); `notifiersFromConfig` does the same.
   */
  firingTtlMs?: number;
  /** `generatorURL` of alerts without a dashboard page (`notifiersFromConfig` gives `publicUrl`). Default: empty. */
  generatorURL?: UrlSource;
  /** Source of time for `endsAt`. Default: the system clock. */
  clock?: Clock;
}

/**
 * Pushes alerts to a real Alertmanager's `/api/v2/alerts`, which then groups, silences and routes them.
 * Firing alerts must be pushed again before their `endsAt` (`resendToAlertmanager` does it). Sends
 * ALERTMANAGER_BATCH_SIZE alerts per request.
 */
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
      this.options.firingTtlMs ?? DEFAULT_FIRING_TTL_MS,
      urlOf(this.options.generatorURL),
    );
    const url = `${this.options.url!.replace(/\/+$/, '')}/api/v2/alerts`;
    // A failed batch fails the send: it is retried whole, which Alertmanager takes as a refresh.
    for (let i = 0; i < body.length; i += ALERTMANAGER_BATCH_SIZE) {
      await postJson(url, body.slice(i, i + ALERTMANAGER_BATCH_SIZE), {
        headers: { 'idempotency-key': context.idempotencyKey },
        signal: context.signal,
      });
    }
  }
}
