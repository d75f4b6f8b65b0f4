import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsCollector } from '../../src/metrics/MetricsCollector.js';
import { renderPrometheus } from '../../src/metrics/renderPrometheus.js';

const promtool = '/usr/bin/promtool';

// Characters the exposition format must escape, separators a naive parser trips on, and unicode.
const tricky = fc.constantFrom(
  '\\',
  '"',
  '\n',
  '{',
  '}',
  '=',
  ',',
  ' ',
  '#',
  'a',
  'Z',
  '0',
  'é',
  '日',
  '🙂',
  "'",
);
// Non-empty: Prometheus treats an empty label value as no label at all.
const labelValue = fc.array(tricky, { minLength: 1, maxLength: 12 }).map((chars) => chars.join(''));
const labelName = fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/);

/** Label sets as promtool's TSDB dump prints them (Go-quoted strings, which JSON reads for these characters). */
function parseDump(dump: string): Record<string, string>[] {
  return dump
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => {
      const body = line.slice(1, line.lastIndexOf('}'));
      const labels: Record<string, string> = {};
      for (const match of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[match[1]!] = JSON.parse(`"${match[2]}"`) as string;
      return labels;
    });
}

describe.runIf(existsSync(promtool))('Prometheus text escaping through a real parser', () => {
  it('label values of any characters come back unchanged from promtool', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(labelName, labelValue), {
          minLength: 1,
          maxLength: 8,
          selector: ([, v]) => v,
        }),
        (pairs) => {
          const collector = new MetricsCollector({ flushIntervalMs: 0 });
          for (const [i, [name, value]] of pairs.entries())
            collector.gauge('soak_escape', i, { [`l_${name}`]: value });
          const text = renderPrometheus(collector.snapshot());
          // The text format is what scrapers parse: promtool must accept it as is.
          const check = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
          expect(check.stderr).not.toMatch(/error parsing/i);
          // OpenMetrics shares the label escaping: give samples a timestamp, store them, read them back.
          const samples = text
            .split('\n')
            .filter((l) => l.startsWith('soak_escape'))
            .map((l) => `${l} 1700000000`);
          const dir = mkdtempSync(join(tmpdir(), 'pgtel-promtool-'));
          try {
            writeFileSync(join(dir, 'in.om'), `# TYPE soak_escape gauge\n${samples.join('\n')}\n# EOF\n`);
            const create = spawnSync(
              promtool,
              ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'in.om'), join(dir, 'data')],
              { encoding: 'utf8' },
            );
            expect(create.status, create.stderr).toBe(0);
            mkdirSync(join(dir, 'data', 'wal'), { recursive: true });
            const dump = spawnSync(promtool, ['tsdb', 'dump', join(dir, 'data')], { encoding: 'utf8' });
            const read = parseDump(dump.stdout).map(({ __name__, ...labels }) => labels);
            const sent = pairs.map(([name, value]) => ({ [`l_${name}`]: value }));
            const key = (l: Record<string, string>) => JSON.stringify(Object.entries(l).sort());
            expect(read.map(key).sort()).toEqual(sent.map(key).sort());
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 10 },
    );
  }, 120_000);
});
