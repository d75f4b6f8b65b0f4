import type { Severity } from '../Severity.js';
import { alertmanagerWebhookPayload } from './alertmanagerWebhookPayload.js';
import type { Notification, Notifier, SendContext } from './Notifier.js';
import { type UrlSource, urlOf } from './notificationLinks.js';
import { postJson } from './postJson.js';

/** Options of `WebhookNotifier`. */
export interface WebhookNotifierOptions {
  /** Receiver URL; unset means not configured (skipped, not a failure). */
  url: string | undefined;
  /** Notifier name (default `webhook`). */
  name?: string;
  /** The body's `receiver` field, as an Alertmanager receiver would be named (default: the notifier name). */
  receiver?: string;
  /** Severities routed to this notifier. Default: all. */
  severities?: readonly Severity[];
  /** Extra headers, e.g. authorization. Default: none. */
  headers?: Record<string, string>;
  /** `externalURL` of the body (pgtel's `publicUrl`), also `generatorURL` of alerts without a page (default empty). */
  externalURL?: UrlSource;
}

/** POSTs the Alertmanager webhook JSON (version 4) with an `Idempotency-Key` header. */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  readonly configured: boolean;
  readonly severities: readonly Severity[] | undefined;
  private readonly options: WebhookNotifierOptions;

  constructor(options: WebhookNotifierOptions) {
    this.options = options;
    this.name = options.name ?? 'webhook';
    this.configured = Boolean(options.url);
    this.severities = options.severities;
  }

  async send(notification: Notification, context: SendContext): Promise<void> {
    const body = alertmanagerWebhookPayload(
      notification,
      this.options.receiver ?? this.name,
      urlOf(this.options.externalURL),
    );
    await postJson(this.options.url!, body, {
      headers: { ...this.options.headers, 'idempotency-key': context.idempotencyKey },
      signal: context.signal,
    });
  }
}
