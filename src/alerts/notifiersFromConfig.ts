import type { Clock } from '../clock.js';
import type { PgtelConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { AlertmanagerNotifier } from './notifiers/AlertmanagerNotifier.js';
import { ChatNotifier } from './notifiers/ChatNotifier.js';
import { LogNotifier } from './notifiers/LogNotifier.js';
import type { Notifier } from './notifiers/Notifier.js';
import type { UrlSource } from './notifiers/notificationLinks.js';
import { WebhookNotifier } from './notifiers/WebhookNotifier.js';
import type { Severity } from './Severity.js';

/** Notifier name of the Alertmanager at `index` of `alertmanagerUrls`: `alertmanager`, `alertmanager-2`, … */
export function alertmanagerName(index: number): string {
  return index === 0 ? 'alertmanager' : `alertmanager-${index + 1}`;
}

/**
 * The notifiers the configuration describes: `log` (always), `webhook`, one `alertmanager` per URL of
 * `alertmanagerUrls` (see `alertmanagerName`) and `chat`. Unconfigured ones are included with
 * `configured: false`, so a test send reports them as such. Alertmanager alerts stay active for
 * 4 × max(`alertResendDelayMs`, `jobIntervalMs`) without a re-send, as Prometheus does. `publicUrl` is
 * the webhook's `externalURL` and the `generatorURL` of alerts without a page of their own (default: empty).
 */
export function notifiersFromConfig(
  config: Pick<
    PgtelConfig,
    | 'alertWebhookUrl'
    | 'alertWebhookReceiver'
    | 'alertmanagerUrls'
    | 'alertResendDelayMs'
    | 'jobIntervalMs'
    | 'chatBotToken'
    | 'chatId'
    | 'chatApiUrl'
    | 'chatSeverities'
  >,
  logger: Logger,
  clock?: Clock,
  publicUrl: UrlSource = '',
): Notifier[] {
  const firingTtlMs = 4 * Math.max(config.alertResendDelayMs, config.jobIntervalMs);
  const alertmanagers = config.alertmanagerUrls.length > 0 ? config.alertmanagerUrls : [undefined];
  return [
    new LogNotifier(logger),
    new WebhookNotifier({
      url: config.alertWebhookUrl,
      receiver: config.alertWebhookReceiver,
      externalURL: publicUrl,
    }),
    ...alertmanagers.map(
      (url, i) =>
        new AlertmanagerNotifier({
          url,
          name: alertmanagerName(i),
          clock,
          firingTtlMs,
          generatorURL: publicUrl,
        }),
    ),
    new ChatNotifier({
      botToken: config.chatBotToken,
      chatId: config.chatId,
      apiUrl: config.chatApiUrl,
      severities: config.chatSeverities as Severity[],
    }),
  ];
}
