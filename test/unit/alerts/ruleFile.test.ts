import { describe, expect, it } from 'vitest';
import { formatRuleFileProblem, parseRuleFile } from '../../../src/alerts/rules/file/parseRuleFile.js';
import { promDuration } from '../../../src/alerts/rules/file/promDuration.js';
import type { RuleKind } from '../../../src/alerts/rules/file/RuleKind.js';
import { renderTemplate } from '../../../src/alerts/rules/renderTemplate.js';

const good = `
groups:
  - name: pipeline
    interval: 30s
    labels: { team: data }
    rules:
      - alert: SlowTransform
        source:
          kind: percentile
          metric: pipeline_step_duration_ms
          p: 0.95
          windowMs: 5m
          labels: { step: transform }
        levels:
          - { severity: warning, threshold: 500 }
          - { severity: critical, threshold: 2000 }
        for: 2m
        annotations:
          summary: 'p95 of the transform step is {{value}} ms'
      - name: NoRows
        source: { kind: absent, metric: pipeline_rows_total, windowMs: 1h }
        levels: [{ severity: critical, threshold: 0 }]
        intervalMs: 60000
        noData: ok
`;

describe('rule files (Prometheus rule-file shape)', () => {
  it('reads pgtel rules with the fields of AlertRuleDefinition, durations and group defaults', () => {
    const parsed = parseRuleFile(good);
    expect(parsed.problems).toEqual([]);
    expect(parsed.groups).toBe(1);
    expect(parsed.rules.map((r) => [r.group, r.kind, r.definition.name])).toEqual([
      ['pipeline', 'pgtel', 'SlowTransform'],
      ['pipeline', 'pgtel', 'NoRows'],
    ]);
    const slow = parsed.rules[0]!.definition;
    expect(slow.forMs).toBe(120_000);
    expect(slow.intervalMs).toBe(30_000);
    expect(slow.labels).toEqual({ team: 'data' });
    expect(slow.source).toMatchObject({
      kind: 'percentile',
      windowMs: 300_000,
      labels: { step: 'transform' },
    });
    expect(parsed.rules[1]!.definition.intervalMs).toBe(60_000);
    expect(parsed.rules[1]!.definition.source).toMatchObject({ windowMs: 3_600_000 });
  });

  it('reports every problem with its group, rule, field and line, and keeps no rule', () => {
    const parsed = parseRuleFile(`groups:
  - name: a
    interval: soon
    rules:
      - alert: Bad
        source: { kind: percentile, metric: m, p: 2, windowMs: 5 minutes }
        levels: [{ severity: urgent, threshold: 1 }]
        fro: 5m
      - alert: Dup
        source: { kind: rate, metric: m, windowMs: 1m }
        levels: [{ severity: info, threshold: 1 }]
  - name: a
    rules:
      - alert: Dup
        source: { kind: rate, metric: m, windowMs: 1m }
        levels: [{ severity: info, threshold: 1 }]
      - record: job-rate5m
        expr: rate(x[5m])
      - alert: Nothing
`);
    expect(parsed.rules).toEqual([]);
    const lines = parsed.problems.map(formatRuleFileProblem);
    expect(lines).toEqual([
      'group "a", field interval (line 3): must be a duration such as 30s or 1m (got "soon")',
      'group "a", rule "Bad", field fro (line 8): is not a field of a pgtel rule',
      'group "a", rule "Bad", field source.windowMs (line 6): must be a duration such as 30s, 5m or 1h30m, or milliseconds (got "5 minutes")',
      'group "a", rule "Bad", field source.p (line 6): must be within [0, 1] (got 2)',
      'group "a", rule "Bad", field levels[0].severity (line 7): must be one of critical, warning, info (got "urgent")',
      'group "a", field name (line 12): group "a" is defined twice',
      'group "a", rule "Dup", field name (line 14): rule "Dup" is already defined in group "a"',
      'group "a", rule "job-rate5m", field record (line 17): must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got "job-rate5m"',
      'group "a", rule "Nothing" (line 19): a rule needs `source:` (a pgtel rule) or `expr:` (a PromQL rule)',
    ]);
  });

  it('reports YAML syntax errors and a file without groups', () => {
    const broken = parseRuleFile('groups:\n  - name: x\n    rules: [\n');
    expect(broken.problems[0]?.message).toMatch(/^YAML: /);
    expect(broken.problems[0]?.line).toBeGreaterThan(0);
    expect(parseRuleFile('rules: []').problems.map((p) => p.message)).toEqual([
      'the file must hold `groups:`, a list of rule groups',
    ]);
    expect(parseRuleFile('groups:\n  - name: g\n    rules: []\n    limit: 3\n').problems).toEqual([
      { group: 'g', field: 'limit', line: 4, message: 'is not a field of a rule group' },
    ]);
  });

  it('checks the PromQL syntax of rules with expr', () => {
    const parsed = parseRuleFile(
      'groups:\n  - name: g\n    rules:\n      - alert: Up\n        expr: rate(up[5m]\n',
    );
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toMatchObject({ group: 'g', rule: 'Up', field: 'expr', line: 5 });
    expect(parsed.problems[0]?.message).toMatch(/^PromQL: /);
  });

  it('dispatches rules with expr to a pluggable kind', () => {
    const promql: RuleKind = {
      name: 'promql',
      claims: (rule) => 'expr' in rule,
      read: (rule, context) => ({
        ok: true,
        definition: {
          name: String(rule.alert),
          source: { kind: 'sql', sql: `SELECT 1 AS value -- ${String(rule.expr)}` },
          levels: [{ severity: 'warning', threshold: 0 }],
          intervalMs: context.groupIntervalMs,
        },
      }),
    };
    const parsed = parseRuleFile(
      'groups:\n  - name: g\n    interval: 1m\n    rules:\n      - alert: Up\n        expr: up == 0\n',
      [promql],
    );
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules[0]).toMatchObject({ kind: 'promql', definition: { name: 'Up', intervalMs: 60_000 } });
  });

  it('reads the JSON form (an object) like the YAML text', () => {
    const parsed = parseRuleFile({
      groups: [
        { name: 'g', rules: [{ name: 'R', source: { kind: 'rate', metric: 'm', windowMs: 60_000 } }] },
      ],
    });
    expect(parsed.problems.map(formatRuleFileProblem)).toEqual([
      'group "g", rule "R", field levels: must list at least one { severity, threshold }',
    ]);
  });

  it('parses Prometheus durations', () => {
    expect(promDuration('1h30m')).toBe(5_400_000);
    expect(promDuration('500ms')).toBe(500);
    expect(promDuration('2d')).toBe(172_800_000);
    expect(promDuration(1500)).toBe(1500);
    for (const bad of ['5', '5 m', 'm5', '', -1, '1.5h']) expect(promDuration(bad)).toBeUndefined();
  });
});

describe('alert templates', () => {
  const data = { value: null, severity: 'warning', labels: { step: 'transform' }, details: {} };

  it('renders a missing value as <no value>, never as a blank', () => {
    expect(renderTemplate('p95 of the {{labels.step}} step is {{value}} ms', data)).toBe(
      'p95 of the transform step is <no value> ms',
    );
    expect(renderTemplate('{{labels.missing}} {{details.x}} {{nope}} {{labels.constructor}}', data)).toBe(
      '<no value> <no value> <no value> <no value>',
    );
    expect(renderTemplate('{{ value }} ({{severity}})', { ...data, value: 812.123456 })).toBe(
      '812.1235 (warning)',
    );
    expect(renderTemplate('{{value}}', { ...data, value: 0 })).toBe('0');
  });
});
