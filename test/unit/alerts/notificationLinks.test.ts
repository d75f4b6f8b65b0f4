import { describe, expect, it } from 'vitest';
import { alertmanagerApiAlerts } from '../../../src/alerts/notifiers/alertmanagerApiAlerts.js';
import { alertmanagerWebhookPayload } from '../../../src/alerts/notifiers/alertmanagerWebhookPayload.js';
import { CHAT_MESSAGE_LIMIT, formatChatMessage } from '../../../src/alerts/notifiers/formatChatMessage.js';
import type { Notification, NotificationAlert } from '../../../src/alerts/notifiers/Notifier.js';
import { notificationLinks } from '../../../src/alerts/notifiers/notificationLinks.js';
import { exemplarLinksQuery } from '../../../src/alerts/rules/exemplarLinksQuery.js';
import { groupNotifications } from '../../../src/alerts/rules/groupNotifications.js';
import { sqlResultLinks } from '../../../src/alerts/rules/sqlResultLinks.js';

const TRACE = 'ab'.repeat(16);
const WORKFLOW = '0b7e4f8e-1d3c-4c3a-9f00-5a1a2b3c4d5e';
const NOW = Date.parse('2026-01-15T12:00:00Z');

const links = notificationLinks(
  'https://pgtel.example.com/',
  42,
  { traces: [TRACE], workflows: [{ workflowId: WORKFLOW, correlationId: TRACE }] },
  'http.server.duration ms',
);

function notification(alert: Partial<NotificationAlert> = {}): Notification {
  const [n] = groupNotifications(
    [
      {
        groupBy: ['alertname'],
        alert: {
          alertId: 42,
          links,
          fingerprint: 'fp',
          status: 'firing',
          severity: 'critical',
          labels: { alertname: 'slow', severity: 'critical' },
          annotations: { summary: 'slow', description: 'p99 is 2 s' },
          startsAt: '2026-01-15T12:00:00.000Z',
          endsAt: null,
          value: 2000,
          ...alert,
        },
      },
    ],
    NOW,
  );
  return n!;
}

describe('notification links', () => {
  it('builds the dashboard URLs of the alert, its traces, workflows and metric', () => {
    expect(links).toEqual({
      alert: 'https://pgtel.example.com/#/alerts/42',
      traces: [{ traceId: TRACE, url: `https://pgtel.example.com/#/traces/${TRACE}` }],
      workflows: [
        {
          workflowId: WORKFLOW,
          correlationId: TRACE,
          url: `https://pgtel.example.com/#/workflows/${WORKFLOW}`,
        },
      ],
      metric: 'https://pgtel.example.com/#/metrics?name=http.server.duration%20ms',
    });
    expect(notificationLinks('http://x', null, { traces: [], workflows: [] })).toEqual({
      alert: null,
      traces: [],
      workflows: [],
    });
  });

  it('the webhook body carries alertId and links as is, and the alert page as generatorURL', () => {
    const body = alertmanagerWebhookPayload(notification(), 'hook', 'http://external');
    expect((body.alerts as Record<string, unknown>[])[0]).toMatchObject({
      alertId: 42,
      links,
      generatorURL: 'https://pgtel.example.com/#/alerts/42',
    });
  });

  it('Alertmanager alerts get the alert page as generatorURL and the linked ids as annotations', () => {
    const [alert] = alertmanagerApiAlerts(notification(), NOW, 60_000, 'http://fallback');
    expect(alert).toMatchObject({
      generatorURL: 'https://pgtel.example.com/#/alerts/42',
      annotations: { summary: 'slow', trace_ids: TRACE, workflow_ids: WORKFLOW },
    });
    const [bare] = alertmanagerApiAlerts(
      notification({ alertId: null, links: { alert: null, traces: [], workflows: [] } }),
      NOW,
      60_000,
      'http://fallback',
    );
    expect(bare).toMatchObject({ generatorURL: 'http://fallback', annotations: { summary: 'slow' } });
    expect(Object.keys(bare!.annotations as object)).not.toContain('trace_ids');
  });

  it('a notification queued without links (older payload) still formats', () => {
    const old = notification();
    const { links: _l, alertId: _a, ...withoutLinks } = old.alerts[0]!;
    const legacy = { ...old, alerts: [withoutLinks as NotificationAlert] };
    expect(alertmanagerApiAlerts(legacy, NOW, 60_000, '')[0]).not.toHaveProperty('generatorURL');
    expect(formatChatMessage(legacy)).toBe('🚨 <b>slow</b>\np99 is 2 s');
  });

  it('the chat message ends with the dashboard link, kept whole when the text is cut', () => {
    expect(formatChatMessage(notification())).toBe(
      '🚨 <b>slow</b>\np99 is 2 s\n<a href="https://pgtel.example.com/#/alerts/42">Open in pgtel</a>',
    );
    const text = formatChatMessage(
      notification({ annotations: { summary: 'slow', description: 'x'.repeat(10_000) } }),
    );
    expect(text.length).toBeLessThanOrEqual(CHAT_MESSAGE_LIMIT);
    expect(text.endsWith('…\n<a href="https://pgtel.example.com/#/alerts/42">Open in pgtel</a>')).toBe(true);
  });
});

describe('links of a SQL rule result', () => {
  it('takes trace_id and correlation_id of 32 lowercase hex and a uuid workflow_id', () => {
    expect(sqlResultLinks({ trace_id: TRACE, workflow_id: WORKFLOW.toUpperCase(), queue: 'mail' })).toEqual({
      traces: [TRACE],
      workflows: [WORKFLOW],
    });
    expect(sqlResultLinks({ trace_id: TRACE, correlation_id: TRACE })).toEqual({
      traces: [TRACE],
      workflows: [],
    });
  });

  it('ignores values that are not ids', () => {
    expect(
      sqlResultLinks({
        trace_id: TRACE.toUpperCase(),
        correlation_id: 'order-17',
        workflow_id: 'not-a-uuid',
      }),
    ).toEqual({ traces: [], workflows: [] });
  });
});

describe('exemplar link query', () => {
  it('covers the evaluation window, the source filter and every firing instance in one statement', () => {
    const q = exemplarLinksQuery(
      {
        kind: 'aggregate',
        metric: 'latency',
        aggregate: 'max',
        windowMs: 300_000,
        labels: { env: 'prod' },
        groupBy: ['host'],
      },
      [{ host: 'a' }, { host: 'b' }],
      (n) => `"s".${n}`,
      NOW,
    );
    expect(q.params).toEqual([
      'latency',
      new Date(NOW - 300_000),
      new Date(NOW),
      '{"env":"prod"}',
      '[{"host":"a"},{"host":"b"}]',
      'host',
    ]);
    expect(q.sql).toContain('"s".metrics');
    expect(q.sql).toContain('n <= 5');
  });
});
