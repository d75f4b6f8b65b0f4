import { describe, expect, it } from 'vitest';
import { LogNotifier } from '../../../src/alerts/notifiers/LogNotifier.js';
import { notifiersFromConfig } from '../../../src/alerts/notifiersFromConfig.js';
import { testNotification } from '../../../src/alerts/sendTestAlert.js';
import { resolveConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/logger.js';

describe('notifiers from the configuration', () => {
  it('configures the webhook, Alertmanager and chat from options or environment', () => {
    const logger = createLogger('silent');
    const none = notifiersFromConfig(resolveConfig({}, {}), logger);
    expect(none.map((n) => [n.name, n.configured])).toEqual([
      ['log', true],
      ['webhook', false],
      ['alertmanager', false],
      ['chat', false],
    ]);
    const env = {
      PGTEL_ALERT_WEBHOOK_URL: 'http://hooks.local/x',
      PGTEL_ALERTMANAGER_URL: 'http://am:9093',
      TELEGRAM_BOT_TOKEN: '1:abc',
      TELEGRAM_CHAT_ID: '-42',
      PGTEL_CHAT_SEVERITIES: 'critical,warning',
    };
    const all = notifiersFromConfig(resolveConfig({}, env), logger);
    expect(all.every((n) => n.configured)).toBe(true);
    expect(all.find((n) => n.name === 'chat')?.severities).toEqual(['critical', 'warning']);
  });

  it('gives each Alertmanager of the list its own notifier', () => {
    const config = resolveConfig({}, { PGTEL_ALERTMANAGER_URLS: 'http://am-1:9093, http://am-2:9093' });
    expect(config.alertmanagerUrls).toEqual(['http://am-1:9093', 'http://am-2:9093']);
    const names = notifiersFromConfig(config, createLogger('silent')).map((n) => [n.name, n.configured]);
    expect(names).toContainEqual(['alertmanager', true]);
    expect(names).toContainEqual(['alertmanager-2', true]);
    expect(() => resolveConfig({}, { PGTEL_ALERTMANAGER_URLS: 'http://ok:1,bad' })).toThrow(
      /PGTEL_ALERTMANAGER_URLS/,
    );
  });

  it('refuses a malformed URL or severity list, naming the variable', () => {
    expect(() => resolveConfig({}, { PGTEL_ALERTMANAGER_URL: 'am:9093' })).toThrow(/PGTEL_ALERTMANAGER_URL/);
    expect(() => resolveConfig({}, { PGTEL_CHAT_SEVERITIES: 'urgent' })).toThrow(/PGTEL_CHAT_SEVERITIES/);
  });

  it('the log notifier writes one line per alert at a level by severity', async () => {
    const lines: string[] = [];
    await new LogNotifier(createLogger('debug', (l) => lines.push(l))).send(testNotification(0));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^pgtel warn: alert firing: pgtel test alert/);
  });
});
