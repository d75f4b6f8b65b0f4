import { describe, expect, it } from 'vitest';
import { alertmanagerApiAlerts } from '../../../src/alerts/notifiers/alertmanagerApiAlerts.js';
import { labelSetFingerprint } from '../../../src/alerts/notifiers/alertmanagerLabelSet.js';
import { alertmanagerWebhookPayload } from '../../../src/alerts/notifiers/alertmanagerWebhookPayload.js';
import { CHAT_MESSAGE_LIMIT, formatChatMessage } from '../../../src/alerts/notifiers/formatChatMessage.js';
import type { NotificationAlert } from '../../../src/alerts/notifiers/Notifier.js';
import { groupNotifications } from '../../../src/alerts/rules/groupNotifications.js';

function alert(name: string, extra: Partial<NotificationAlert> = {}): NotificationAlert {
  return {
    alertId: null,
    links: { alert: null, traces: [], workflows: [] },
    fingerprint: `fp-${name}`,
    status: 'firing',
    severity: 'critical',
    labels: { alertname: name, severity: 'critical', service: 'api' },
    annotations: { summary: name, description: `${name} is bad` },
    startsAt: '2026-01-15T12:00:00.000Z',
    endsAt: null,
    value: 1,
    ...extra,
  };
}

const NOW = Date.parse('2026-01-15T12:00:00Z');

describe('grouping', () => {
  it('groups alerts sharing the group-by labels and computes common labels', () => {
    const groups = groupNotifications(
      [
        { groupBy: ['service'], alert: alert('A') },
        { groupBy: ['service'], alert: alert('B', { status: 'resolved' }) },
        { groupBy: ['alertname'], alert: alert('C') },
      ],
      NOW,
    );
    expect(groups).toHaveLength(2);
    expect(groups[0]!.alerts.map((a) => a.labels.alertname)).toEqual(['A', 'B']);
    expect(groups[0]!.groupLabels).toEqual({ service: 'api' });
    expect(groups[0]!.commonLabels).toEqual({ severity: 'critical', service: 'api' });
    expect(groups[0]!.status).toBe('firing');
  });
});

describe('Alertmanager formats', () => {
  it('webhook body is version 4 with zero endsAt for firing alerts', () => {
    const [n] = groupNotifications([{ groupBy: ['alertname'], alert: alert('A') }], NOW);
    const body = alertmanagerWebhookPayload(n!, 'hook', 'http://pgtel') as Record<string, unknown>;
    expect(body).toMatchObject({ version: '4', status: 'firing', receiver: 'hook', truncatedAlerts: 0 });
    expect((body.alerts as { endsAt: string; fingerprint: string }[])[0]).toMatchObject({
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: labelSetFingerprint({ alertname: 'A', severity: 'critical', service: 'api' }),
    });
  });

  it('API alerts carry endsAt = now + ttl while firing and the resolve time once resolved', () => {
    const [n] = groupNotifications(
      [
        { groupBy: ['x'], alert: alert('A') },
        { groupBy: ['x'], alert: alert('B', { status: 'resolved', endsAt: '2026-01-15T12:05:00.000Z' }) },
      ],
      NOW,
    );
    const body = alertmanagerApiAlerts(n!, NOW, 60_000, '');
    expect(body.map((a) => a.endsAt)).toEqual(['2026-01-15T12:01:00.000Z', '2026-01-15T12:05:00.000Z']);
  });
});

describe('chat message', () => {
  it('escapes <, > and & and shows the severity', () => {
    const [n] = groupNotifications(
      [
        {
          groupBy: ['alertname'],
          alert: alert('a<b>&c', { annotations: { summary: 'x<y', description: 'p & q > r' } }),
        },
      ],
      NOW,
    );
    expect(formatChatMessage(n!)).toBe('🚨 <b>x&lt;y</b>\np &amp; q &gt; r');
  });

  it('cuts 10 KB of text to the limit without splitting an entity', () => {
    const description = '&<'.repeat(5_000);
    const [n] = groupNotifications(
      [{ groupBy: ['alertname'], alert: alert('big', { annotations: { summary: 's', description } }) }],
      NOW,
    );
    const text = formatChatMessage(n!);
    expect(text.length).toBeLessThanOrEqual(CHAT_MESSAGE_LIMIT);
    expect(text.endsWith('…')).toBe(true);
    expect(text.replace(/&(amp|lt|gt);|<\/?b>/g, '')).not.toMatch(/[&<>]/);
    expect(text.length).toBeGreaterThan(CHAT_MESSAGE_LIMIT - 10);
  });

  it('lists as many alerts as fit and says how many more', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({
      groupBy: ['service'],
      alert: alert(`alert ${i}`),
    }));
    const [n] = groupNotifications(many, NOW);
    const text = formatChatMessage(n!);
    expect(text.length).toBeLessThanOrEqual(CHAT_MESSAGE_LIMIT);
    expect(text).toMatch(/… and \d+ more$/);
  });
});
