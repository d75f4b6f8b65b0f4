import { describe, expect, it } from 'vitest';
import { formatRuleFileProblem, parseRuleFile } from '../../../src/alerts/rules/file/parseRuleFile.js';
import { matchSeverity } from '../../../src/alerts/rules/matchSeverity.js';
import { renderTemplate, templateProblems } from '../../../src/alerts/rules/renderTemplate.js';
import { ruleProblems, validateRule } from '../../../src/alerts/rules/validateRule.js';

const FILE = `groups:
  - name: api
    interval: 30s
    labels: { team: web }
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
        labels: { source: recorded }
      - alert: HighErrorRate
        expr: job:http_requests:rate5m > 10
        for: 2m
        keep_firing_for: 1m
        labels: { severity: critical, job_copy: "{{ $labels.job }}" }
        annotations:
          summary: "{{ $labels.job }} serves {{ $value }} req/s"
      - record: job:http_requests:rate5m
        expr: vector(1)
        labels: { job: constant }
`;

describe('Prometheus alerting and recording rules in a rule file', () => {
  it('reads alerting rules as promql alert rules and recording rules with their group', () => {
    const parsed = parseRuleFile(FILE);
    expect(parsed.problems).toEqual([]);
    expect(parsed.rules).toHaveLength(1);
    expect(parsed.rules[0]).toEqual({
      group: 'api',
      kind: 'promql',
      definition: {
        name: 'HighErrorRate',
        source: { kind: 'promql', expr: 'job:http_requests:rate5m > 10' },
        levels: [{ severity: 'critical' }],
        labels: { team: 'web', job_copy: '{{ $labels.job }}' },
        annotations: { summary: '{{ $labels.job }} serves {{ $value }} req/s' },
        forMs: 120_000,
        keepFiringForMs: 60_000,
        intervalMs: 30_000,
      },
    });
    expect(parsed.recordingRules).toEqual([
      {
        group: 'api',
        position: 0,
        rule: {
          record: 'job:http_requests:rate5m',
          expr: 'sum by (job) (rate(http_requests_total[5m]))',
          labels: { team: 'web', source: 'recorded' },
          intervalMs: 30_000,
        },
      },
      {
        group: 'api',
        position: 2,
        rule: {
          record: 'job:http_requests:rate5m',
          expr: 'vector(1)',
          labels: { team: 'web', job: 'constant' },
          intervalMs: 30_000,
        },
      },
    ]);
    // Without severity label the level is warning; without group interval, the 1-minute default.
    const plain = parseRuleFile(
      'groups:\n  - name: g\n    rules:\n      - alert: Down\n        expr: up == 0\n',
    );
    expect(validateRule(plain.rules[0]!.definition)).toMatchObject({
      levels: [{ severity: 'warning' }],
      intervalMs: 60_000,
      noData: 'ok',
    });
  });

  it('reports what promtool reports, with group, rule, field and line', () => {
    const parsed = parseRuleFile(`groups:
  - name: g
    rules:
      - alert: Range
        expr: rate(x[5m])[10m:1m]
      - alert: Syntax
        expr: sum by (job (x)
      - record: 1bad
        expr: x
      - record: ok:name
        expr: x
        for: 5m
      - alert: Templates
        expr: x > 1
        for: soon
        labels: { severity: page }
        annotations: { summary: "{{ $value | humanize }}", description: "{{ $labels.job" }
`);
    expect(parsed.rules).toEqual([]);
    expect(parsed.recordingRules).toEqual([]);
    expect(parsed.problems.map(formatRuleFileProblem)).toEqual([
      'group "g", rule "Range", field expr (line 5): PromQL: the expression is a range vector; a rule needs an instant vector or a scalar',
      expect.stringMatching(/^group "g", rule "Syntax", field expr \(line 7\): PromQL: /),
      'group "g", rule "1bad", field record (line 8): must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got "1bad"',
      'group "g", rule "ok:name", field for (line 12): is not a field of a Prometheus recording rule',
      'group "g", rule "Templates", field labels.severity (line 16): must be one of critical, warning, info: the severity label of a pgtel alert (got "page")',
      'group "g", rule "Templates", field annotations.summary (line 17): {{ $value | humanize }} is not understood: use {{ $value }}, {{ $labels.name }}, {{ severity }} or {{ details.name }}',
      'group "g", rule "Templates", field annotations.description (line 17): "{{ $labels.job" is not closed by }}',
      'group "g", rule "Templates", field for (line 15): must be a duration such as 30s, 5m or 1h (got "soon")',
    ]);
  });

  it('renders Prometheus template spellings and lists what it cannot render', () => {
    const data = {
      value: 12.5,
      severity: 'critical',
      labels: { job: 'api', 'http.route': '/a' },
      details: {},
    };
    expect(
      renderTemplate('{{ $labels.job }} at {{ $value }} ({{ .Labels.http_route }}, {{.Value}})', data),
    ).toBe('api at 12.5 (/a, 12.5)');
    expect(templateProblems('{{ $labels.job }} {{value}} {{ details.x }}')).toEqual([]);
    expect(templateProblems('{{ $labels }} {{ humanize $value }}')).toHaveLength(2);
  });

  it('validates promql sources through the rule API shape', () => {
    expect(
      ruleProblems({ name: 'x', source: { kind: 'promql', expr: 'up[5m]' }, levels: [{ severity: 'info' }] }),
    ).toEqual([
      {
        field: 'source.expr',
        message: 'PromQL: the expression is a range vector; a rule needs an instant vector or a scalar',
      },
    ]);
    // Only a PromQL source may leave out a threshold.
    expect(
      ruleProblems({
        name: 'x',
        source: { kind: 'sql', sql: 'SELECT 1 AS value' },
        levels: [{ severity: 'info' }],
      }),
    ).toEqual([{ field: 'levels[0].threshold', message: 'must be a finite number' }]);
  });

  it('a level without threshold holds for every value, NaN included; thresholds still compare', () => {
    const everySeries = { comparison: '>' as const, levels: [{ severity: 'warning' as const }] };
    expect(matchSeverity(everySeries, Number.NaN, null)?.severity).toBe('warning');
    expect(matchSeverity(everySeries, -5, null)?.severity).toBe('warning');
    const thresholds = { comparison: '>' as const, levels: [{ severity: 'warning' as const, threshold: 1 }] };
    expect(matchSeverity(thresholds, 0.5, null)).toBeNull();
    expect(matchSeverity(thresholds, Number.NaN, null)).toBeNull();
  });
});
