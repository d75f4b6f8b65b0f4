import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useCliDatabase } from '../../helpers/cliDatabase.js';
import { runPgtelInProcess } from './runPgtel.js';

const env = useCliDatabase('rules-promql', async () => {});
const dir = mkdtempSync(join(tmpdir(), 'pgtel-rules-promql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const GOOD = `groups:
  - name: http
    interval: 30s
    rules:
      - record: job:http_requests:rate5m
        expr: sum by (job) (rate(http_requests_total[5m]))
      - alert: HighRequestRate
        expr: job:http_requests:rate5m > 100
        for: 2m
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.job }} at {{ $value }}/s" }
`;

describe('pgtel rules with Prometheus alerting and recording rules', () => {
  it('check accepts a good file and reports each problem of a bad one like promtool', async () => {
    const good = file('good.yaml', GOOD);
    const ok = await runPgtelInProcess(['rules', 'check', good], {});
    expect(ok).toMatchObject({ code: 0, stdout: `${good}: SUCCESS: 2 rules in 1 groups found\n` });

    const bad = file(
      'bad.yaml',
      `groups:
  - name: http
    rules:
      - record: job-rate
        expr: sum(rate(x[5m])
      - alert: Templated
        expr: up == 0
        annotations: { summary: "{{ $value | humanize }}" }
`,
    );
    const failed = await runPgtelInProcess(['rules', 'check', bad], {});
    expect(failed.code).toBe(1);
    expect(failed.stderr.split('\n')).toEqual([
      `${bad}: FAILED: 3 problems`,
      expect.stringMatching(/^ {2}group "http", rule "job-rate", field expr \(line 5\): PromQL: /),
      '  group "http", rule "job-rate", field record (line 4): must be a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), got "job-rate"',
      '  group "http", rule "Templated", field annotations.summary (line 8): {{ $value | humanize }} is not understood: use {{ $value }}, {{ $labels.name }}, {{ severity }} or {{ details.name }}',
      '',
    ]);
  });

  it('apply stores both kinds; list shows the expression and the recording rule', async () => {
    const good = file('apply.yaml', GOOD);
    const applied = await runPgtelInProcess(['rules', 'apply', good], env as Record<string, string>);
    expect(applied).toMatchObject({
      code: 0,
      stdout: `${good}: 2 created, 0 updated, 0 unchanged, 0 removed\n`,
    });
    const listed = await runPgtelInProcess(['rules', 'list'], env as Record<string, string>);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      /HighRequestRate\s+unevaluated\s+job:http_requests:rate5m > 100\s+30s\s+file:http/,
    );
    expect(listed.stdout).toMatch(
      /job:http_requests:rate5m\s+sum by \(job\) \(rate\(http_requests_total\[5m\]\)\)\s+30s\s+http\s+never/,
    );
  });
});
