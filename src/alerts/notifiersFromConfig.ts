import type { Clock } from '../clock.js';
import type { PgtelConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { AlertmanagerNotifier } from './notifiers/AlertmanagerNotifier.js';
import { ChatNotifier } from './notifiers/ChatNotifier.js';
import { LogNotifier } from './notifiers/LogNotifier.js';
import type { Notifier } from './notifiers/Notifier.js';
import { WebhookNotifier } from './notifiers/WebhookNotifier.js';
import type { Severity } from './Severity.js';

/**
 * The notifiers the configuration describes: `log` (always), `webhook`, `alertmanager` and `chat`.
 * Unconfigured ones are included with `configured: false`, so a test send reports them as such.
 */
export function notifiersFromConfig(
  config: Pick<
    PgtelConfig,
    'alertWebhookUrl' | 'alertmanagerUrl' | 'chatBotToken' | 'chatId' | 'chatApiUrl' | 'chatSeverities'
  >,
  logger: Logger,
  clock?: Clock,
): Notifier[] {
  return [
    new LogNotifier(logger),
    new WebhookNotifier({ url: config.alertWebhookUrl }),
    new AlertmanagerNotifier({ url: config.alertmanagerUrl, clock }),
    new ChatNotifier({
      botToken: config.chatBotToken,
      chatId: config.chatId,
      apiUrl: config.chatApiUrl,
      severities: config.chatSeverities as Severity[],
    }),
  ];
}
