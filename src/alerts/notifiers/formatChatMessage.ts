import type { Severity } from '../Severity.js';
import type { Notification } from './Notifier.js';

/** Telegram's maximum message length. */
export const CHAT_MESSAGE_LIMIT = 4096;

const EMOJI: Record<Severity, string> = { critical: '🚨', warning: '⚠️', info: 'ℹ️' };
const TITLE_LIMIT = 200;

/** Escapes text for Telegram's HTML parse mode (only `<`, `>` and `&` are special). */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Cuts escaped text to `max` characters without splitting an entity like `&amp;`. */
function cutEscaped(escaped: string, max: number): string {
  if (escaped.length <= max) return escaped;
  if (max <= 1) return '';
  let cut = escaped.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && !cut.includes(';', amp)) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** A line linking to the alert's dashboard page, or '' when it has none. */
function dashboardLine(url: string | null | undefined): string {
  return url ? `\n<a href="${escapeHtml(url).replaceAll('"', '&quot;')}">Open in pgtel</a>` : '';
}

/**
 * The chat text of a notification in Telegram HTML: an emoji by severity, the title in bold, the
 * description and a link to the alert's dashboard page, every user text escaped, cut to fit the
 * 4096-character limit (the link is never cut: it is kept whole or the alert is left out).
 */
export function formatChatMessage(notification: Notification, limit = CHAT_MESSAGE_LIMIT): string {
  const blocks: string[] = [];
  let used = 0;
  for (const [i, alert] of notification.alerts.entries()) {
    const resolved = alert.status === 'resolved';
    const title = alert.annotations.summary ?? alert.labels.alertname ?? 'alert';
    const head = `${resolved ? '✅ RESOLVED' : EMOJI[alert.severity]} <b>${cutEscaped(escapeHtml(title), TITLE_LIMIT)}</b>`;
    const link = dashboardLine(alert.links?.alert);
    const more = `\n\n… and ${notification.alerts.length - i} more`;
    const separator = blocks.length > 0 ? 2 : 0;
    if (used + separator + head.length + link.length + more.length > limit) {
      blocks.push(more.trim());
      break;
    }
    const room =
      limit -
      used -
      separator -
      head.length -
      link.length -
      1 -
      (i < notification.alerts.length - 1 ? more.length : 0);
    const description = cutEscaped(escapeHtml(alert.annotations.description ?? ''), Math.max(0, room));
    const block = `${description ? `${head}\n${description}` : head}${link}`;
    blocks.push(block);
    used += separator + block.length;
  }
  return blocks.join('\n\n');
}
