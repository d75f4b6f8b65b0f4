import { describe, expect, it } from 'vitest';
import { probeStatus, readinessMessage, startupMessage } from '../../../src/health/aggregateProbe.js';
import { poolSaturation } from '../../../src/health/checks/poolSaturation.js';
import { quotedTableName } from '../../../src/health/checks/tableName.js';
import type { CheckResult } from '../../../src/health/HealthStatus.js';
import { normalizeOutcome } from '../../../src/health/normalizeOutcome.js';

const result = (status: CheckResult['status'], critical = true): CheckResult => ({
  healthy: status !== 'fail',
  status,
  message: status,
  critical,
  checkedAt: new Date(0),
  durationMs: 1,
});

describe('normalizeOutcome', () => {
  it('accepts nothing, booleans and well-formed objects', () => {
    expect(normalizeOutcome(undefined)).toEqual({ status: 'pass' });
    expect(normalizeOutcome(true)).toEqual({ status: 'pass' });
    expect(normalizeOutcome(false)).toEqual({ status: 'fail' });
    expect(normalizeOutcome({ healthy: false, message: 'down' })).toEqual({
      status: 'fail',
      message: 'down',
    });
    expect(normalizeOutcome({ status: 'warn', observedValue: 0.95, observedUnit: 'ratio' })).toEqual({
      status: 'warn',
      observedValue: 0.95,
      observedUnit: 'ratio',
    });
  });

  it('turns garbage into a failure naming what came back', () => {
    expect(normalizeOutcome(null).error).toMatch(/invalid result \(null\)/);
    expect(normalizeOutcome('ok').error).toMatch(/invalid result \(string\)/);
    expect(normalizeOutcome([]).error).toMatch(/invalid result \(array\)/);
    expect(normalizeOutcome({}).error).toMatch(/neither status nor healthy/);
    expect(normalizeOutcome({ status: 'up' })).toMatchObject({ status: 'fail' });
    expect(normalizeOutcome({ status: 'pass', observedValue: Number.NaN })).toEqual({ status: 'pass' });
  });
});

describe('probe aggregation', () => {
  it('fails only on a critical failure; other trouble is warn', () => {
    expect(probeStatus({})).toBe('pass');
    expect(probeStatus({ a: result('pass'), b: result('warn') })).toBe('warn');
    expect(probeStatus({ a: result('fail', false) })).toBe('warn');
    expect(probeStatus({ a: result('warn'), b: result('fail') })).toBe('fail');
  });

  it('uses the seed messages', () => {
    expect(readinessMessage({}, 'pass')).toBe('All dependencies healthy');
    expect(readinessMessage({ db: result('fail'), opt: result('fail', false) }, 'fail')).toBe(
      'Dependencies unhealthy: db',
    );
    expect(startupMessage('fail')).toBe('Waiting for initial data');
    expect(startupMessage('warn')).toBe('Initialization complete');
  });
});

describe('poolSaturation', () => {
  it('passes below the threshold, warns at it and when callers wait', () => {
    expect(poolSaturation({ total: 5, idle: 3, waiting: 0, max: 10 }, 0.9)).toMatchObject({
      status: 'pass',
      observedValue: 0.2,
    });
    expect(poolSaturation({ total: 10, idle: 1, waiting: 0, max: 10 }, 0.9)).toMatchObject({
      status: 'warn',
      message: '9/10 connections in use (90%, warn at 90%)',
    });
    expect(poolSaturation({ total: 2, idle: 0, waiting: 3, max: 2 }, 0.9)).toMatchObject({
      status: 'warn',
      message: '2/2 connections in use, 3 waiting for a connection',
    });
    expect(poolSaturation({ total: 0, idle: 0, waiting: 0, max: 0 }, 0.9)).toMatchObject({ status: 'pass' });
    // A pool still growing has callers waiting for new connections: not saturated.
    expect(poolSaturation({ total: 1, idle: 0, waiting: 1, max: 10 }, 0.9)).toMatchObject({ status: 'pass' });
  });
});

describe('quotedTableName', () => {
  it('quotes plain and schema-qualified names', () => {
    expect(quotedTableName('dim_timeframe')).toBe('"dim_timeframe"');
    expect(quotedTableName('ref.Sessions')).toBe('"ref"."Sessions"');
  });

  it('refuses anything that is not a plain identifier', () => {
    for (const bad of [
      '',
      'a;DROP TABLE x',
      'a.b.c',
      '1abc',
      'a b',
      '"quoted"',
      'x'.repeat(64),
      42 as never,
    ]) {
      expect(() => quotedTableName(bad), String(bad)).toThrow(/invalid table name/);
    }
  });
});
