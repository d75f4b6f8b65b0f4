import { describe, expect, it } from 'vitest';
import { alertmanagerApiAlerts } from '../../../src/alerts/notifiers/alertmanagerApiAlerts.js';
import {
  compareAlertLabels,
  goQuote,
  labelSetFingerprint,
  labelSetString,
} from '../../../src/alerts/notifiers/alertmanagerLabelSet.js';
import { alertmanagerWebhookPayload } from '../../../src/alerts/notifiers/alertmanagerWebhookPayload.js';
import type { NotificationAlert } from '../../../src/alerts/notifiers/Notifier.js';
import { DeliveryError } from '../../../src/alerts/notifiers/postJson.js';
import { prometheusLabelName, prometheusLabels } from '../../../src/alerts/notifiers/prometheusLabels.js';
import { groupNotifications } from '../../../src/alerts/rules/groupNotifications.js';
import { renderTemplate } from '../../../src/alerts/rules/renderTemplate.js';
import { testNotification } from '../../../src/alerts/sendTestAlert.js';
import { thresholdNotification } from '../../../src/alerts/thresholds/thresholdNotification.js';

const NOW = Date.parse('2026-01-15T12:00:00Z');

function alert(labels: Record<string, string>, extra: Partial<NotificationAlert> = {}): NotificationAlert {
  return {
    alertId: 7,
    links: { alert: 'https://pgtel.example.com/#/alerts/7', traces: [], workflows: [] },
    fingerprint: 'fp',
    status: 'firing',
    severity: 'critical',
    labels,
    annotations: { summary: 's' },
    startsAt: '2026-01-15T11:00:00.000Z',
    endsAt: null,
    value: 1,
    ...extra,
  };
}

describe('Prometheus label names', () => {
  it('maps every name to [a-zA-Z_][a-zA-Z0-9_]*', () => {
    expect(prometheusLabelName('http.route')).toBe('http_route');
    expect(prometheusLabelName('service.name')).toBe('service_name');
    expect(prometheusLabelName('2xx')).toBe('_2xx');
    expect(prometheusLabelName('ünit-€')).toBe('_nit__');
    expect(prometheusLabelName('')).toBe('_');
    expect(prometheusLabelName('already_ok')).toBe('already_ok');
  });

  it('joins colliding names by original name order, whatever the input order, and drops empty values', () => {
    const a = prometheusLabels({ http_route: 'b', 'http.route': 'a', 'http-route': 'c', empty: '' });
    const b = prometheusLabels({ 'http-route': 'c', empty: '', 'http.route': 'a', http_route: 'b' });
    // '-' < '.' < '_' in code order.
    expect(a).toEqual({ http_route: 'c;a;b' });
    expect(b).toEqual(a);
  });

  it('templates reach a dotted label by its Prometheus name too', () => {
    const data = { value: 1, severity: null, labels: { 'http.route': '/x' }, details: {} };
    expect(renderTemplate('{{labels.http.route}} {{labels.http_route}}', data)).toBe('/x /x');
  });
});

describe("Alertmanager's label set", () => {
  it('fingerprints as Prometheus does (FNV-1a 64 with 0xff separators)', () => {
    // The values of Prometheus's own signature tests.
    expect(labelSetFingerprint({})).toBe(14695981039346656037n.toString(16));
    expect(labelSetFingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe(
      5799056148416392346n.toString(16).padStart(16, '0'),
    );
  });

  it('prints sorted names with Go-quoted values', () => {
    expect(labelSetString({ b: 'x"y', a: 'line\nbreak\x01é' })).toBe('{a="line\\nbreak\\x01é", b="x\\"y"}');
    expect(goQuote('tab\there\\')).toBe('"tab\\there\\\\"');
  });

  it('orders alerts by job, instance, then label set', () => {
    const sets: Record<string, string>[] = [
      { a: '1', b: '2' },
      { instance: 'b' },
      { job: 'z' },
      { instance: 'a' },
      { a: '0' },
    ];
    expect([...sets].sort(compareAlertLabels)).toEqual([
      { job: 'z' },
      { instance: 'a' },
      { instance: 'b' },
      { a: '0' },
      { a: '1', b: '2' },
    ]);
  });
});

describe('Alertmanager payloads', () => {
  it('the webhook body has Alertmanager fields: groupKey, receiver, group labels present only', () => {
    const [n] = groupNotifications(
      [{ groupBy: ['alertname', 'missing'], alert: alert({ alertname: 'Disk', 'service.name': 'api' }) }],
      NOW,
    );
    const body = alertmanagerWebhookPayload(n!, 'team-x', 'https://pgtel.example.com');
    expect(body).toMatchObject({
      receiver: 'team-x',
      status: 'firing',
      groupLabels: { alertname: 'Disk' },
      commonLabels: { alertname: 'Disk', service_name: 'api' },
      externalURL: 'https://pgtel.example.com',
      version: '4',
      groupKey: '{}:{alertname="Disk"}',
      truncatedAlerts: 0,
    });
    expect((body.alerts as Record<string, unknown>[])[0]).toMatchObject({
      startsAt: '2026-01-15T11:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      fingerprint: labelSetFingerprint({ alertname: 'Disk', service_name: 'api' }),
    });
  });

  it('a severity change also resolves the former label set', () => {
    const changed = alert(
      { alertname: 'Disk', severity: 'critical' },
      { supersededLabels: { alertname: 'Disk', severity: 'warning' } },
    );
    const [n] = groupNotifications([{ groupBy: ['alertname'], alert: changed }], NOW);
    const pushed = alertmanagerApiAlerts(n!, NOW, 240_000, '');
    expect(pushed.map((a) => [a.labels, a.endsAt])).toEqual([
      [{ alertname: 'Disk', severity: 'warning' }, '2026-01-15T12:00:00.000Z'],
      [{ alertname: 'Disk', severity: 'critical' }, '2026-01-15T12:04:00.000Z'],
    ]);
    const hook = alertmanagerWebhookPayload(n!, 'r', '');
    expect((hook.alerts as { status: string }[]).map((a) => a.status).sort()).toEqual(['firing', 'resolved']);
    expect(hook.commonLabels).toEqual({ alertname: 'Disk' });
  });

  it('a threshold-check alert, never re-sent, stays active in Alertmanager past its 4 h cooldown', () => {
    const alert = {
      alertType: 'disk',
      severity: 'critical' as const,
      title: 'Disk full',
      message: 'm',
      metadata: {},
    };
    const n = thresholdNotification(alert, 'fp', NOW);
    expect(alertmanagerApiAlerts(n, NOW, 240_000, '')[0]!.endsAt).toBe('2026-01-15T17:00:00.000Z');
  });

  it('the test alert tells Alertmanager when it ends', () => {
    const pushed = alertmanagerApiAlerts(testNotification(NOW, 'firing', 300_000), NOW, 240_000, '');
    expect(pushed[0]!.endsAt).toBe('2026-01-15T12:05:00.000Z');
    const resolve = testNotification(NOW, 'resolved', 300_000);
    expect(resolve.alerts[0]).toMatchObject({ status: 'resolved', endsAt: '2026-01-15T12:05:00.000Z' });
  });
});

describe('delivery errors', () => {
  it('a 4xx other than 408 and 429 is permanent', () => {
    expect(new DeliveryError('x', 400).permanent).toBe(true);
    expect(new DeliveryError('x', 422).permanent).toBe(true);
    expect(new DeliveryError('x', 429).permanent).toBe(false);
    expect(new DeliveryError('x', 408).permanent).toBe(false);
    expect(new DeliveryError('x', 503).permanent).toBe(false);
    expect(new DeliveryError('x').permanent).toBe(false);
  });
});
