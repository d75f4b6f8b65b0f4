import { describe, expect, it } from 'vitest';
import {
  defaultAlertThresholds,
  resolveAlertThresholds,
} from '../../../src/alerts/thresholds/alertThresholds.js';
import { formatFixed } from '../../../src/alerts/thresholds/formatFixed.js';
import {
  dataQualityAlert,
  integrationFailureAlert,
  performanceDegradationAlert,
  resourceExhaustionAlert,
} from '../../../src/alerts/thresholds/thresholdAlerts.js';

const t = defaultAlertThresholds;

describe("the seed's four alert rules", () => {
  it('degradation: warning above 2x the baseline, with the seed title and message', () => {
    const alert = performanceDegradationAlert('task_duration', 25, 10, t);
    expect(alert).toMatchObject({
      alertType: 'performance_degradation',
      severity: 'warning',
      title: 'Performance Degradation: task_duration',
      message: 'task_duration: 25.00 (baseline: 10.00, +150%)',
    });
    expect(performanceDegradationAlert('task_duration', 20, 10, t)).toBeNull();
    expect(performanceDegradationAlert('task_duration', 99, null, t)).toBeNull();
    expect(performanceDegradationAlert('task_duration', 99, 0, t)).toBeNull();
  });

  it('degradation multiplier is configurable per metric', () => {
    const custom = resolveAlertThresholds({ degradationMultipliers: { search_duration: 1.5 } });
    expect(performanceDegradationAlert('search_duration', 16, 10, custom)?.message).toBe(
      'search_duration: 16.00 (baseline: 10.00, +60%)',
    );
    expect(performanceDegradationAlert('task_duration', 16, 10, custom)).toBeNull();
  });

  it('integration failure: always, critical above 3 errors', () => {
    expect(integrationFailureAlert('kraken', 'timeout', 1, t)).toMatchObject({
      alertType: 'integration_failure',
      severity: 'warning',
      title: 'Integration Failure: kraken',
      message: 'kraken failed: timeout',
    });
    expect(integrationFailureAlert('kraken', 'timeout', 3, t).severity).toBe('warning');
    expect(integrationFailureAlert('kraken', 'timeout', 4, t).severity).toBe('critical');
  });

  it('data quality: above 0 issues, critical above 10', () => {
    expect(dataQualityAlert('gaps', 0, undefined, t)).toBeNull();
    expect(dataQualityAlert('gaps', 10, undefined, t)).toMatchObject({
      severity: 'warning',
      title: 'Data Quality: gaps',
      message: 'Found 10 gaps issues',
    });
    expect(dataQualityAlert('gaps', 11, { table: 'x' }, t)?.severity).toBe('critical');
  });

  it('resource exhaustion: at 90%, critical at 95%, per-resource defaults of the seed', () => {
    expect(resourceExhaustionAlert('disk', 89.9, undefined, t)).toBeNull();
    expect(resourceExhaustionAlert('disk', 90, undefined, t)).toMatchObject({
      severity: 'warning',
      title: 'Resource Exhaustion: disk',
      message: 'disk at 90.0% (threshold: 90%)',
    });
    expect(resourceExhaustionAlert('disk', 95, undefined, t)?.severity).toBe('critical');
    expect(resourceExhaustionAlert('database_connections', 80, undefined, t)?.message).toBe(
      'database_connections at 80.0% (threshold: 80%)',
    );
    expect(resourceExhaustionAlert('memory_usage', 84.99, undefined, t)).toBeNull();
    expect(resourceExhaustionAlert('disk', 70, 60, t)?.message).toBe('disk at 70.0% (threshold: 60%)');
  });

  it('refuses invalid thresholds with the name of the field', () => {
    expect(() => resolveAlertThresholds({ resourceThresholdPercent: Number.NaN })).toThrow(
      /resourceThresholdPercent/,
    );
    expect(() => resolveAlertThresholds({ resourceThresholds: { disk: -1 } })).toThrow(
      /resourceThresholds.disk/,
    );
  });
});

describe('formatFixed prints like Python format specs', () => {
  it('rounds exact ties to even and other values to nearest', () => {
    expect(formatFixed(92.5, 0)).toBe('92');
    expect(formatFixed(93.5, 0)).toBe('94');
    expect(formatFixed(0.125, 2)).toBe('0.12');
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(2.675, 2)).toBe('2.67'); // binary value is below the tie
    expect(formatFixed(1.005, 2)).toBe('1.00');
    expect(formatFixed(-0.5, 0)).toBe('-0');
    expect(formatFixed(12345.678, 1)).toBe('12345.7');
  });
});
