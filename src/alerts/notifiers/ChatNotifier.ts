import type { Severity } from '../Severity.js';
import { formatChatMessage } from './formatChatMessage.js';
import type { Notification, Notifier, SendContext } from './Notifier.js';
import { postJson } from './postJson.js';

/** Options of `ChatNotifier`. */
export interface ChatNotifierOptions {
  /** Bot token; unset means not configured (skipped, not a failure). */
  botToken: string | undefined;
  /** Chat to post into; unset means not configured. */
  chatId: string | undefined;
  /** Bot API base URL (default `https://api.telegram.org`). */
  apiUrl?: string;
  /** Notifier name (default `chat`). */
  name?: string;
  /** Severities sent to the chat (default: critical only). */
  severities?: readonly Severity[];
}

/** The chat channel: Telegram Bot API `sendMessage` with escaped HTML text. */
export class ChatNotifier implements Notifier {
  readonly name: string;
  readonly configured: boolean;
  readonly severities: readonly Severity[];
  private readonly options: ChatNotifierOptions;

  constructor(options: ChatNotifierOptions) {
    this.options = options;
    this.name = options.name ?? 'chat';
    this.configured = Boolean(options.botToken && options.chatId);
    this.severities = options.severities ?? ['critical'];
  }

  async send(notification: Notification, context: SendContext): Promise<void> {
    const base = (this.options.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    await postJson(
      `${base}/bot${this.options.botToken}/sendMessage`,
      {
        chat_id: this.options.chatId,
        text: formatChatMessage(notification),
        parse_mode: 'HTML',
        disable_web_page_preview: true,
      },
      { signal: context.signal },
    );
  }
}
