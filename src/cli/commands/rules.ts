import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { formatRuleFileProblem, parseRuleFile } from '../../alerts/rules/file/parseRuleFile.js';
import { ConfigError } from '../../errors.js';
import { type CliIo, type Command, EXIT } from '../Command.js';
import { renderTable } from '../renderTable.js';
import { UsageError } from '../UsageError.js';
import { apiOptions, printJson, withApi } from '../withApi.js';

type Values = Record<string, unknown>;

interface RuleView {
  rule: { name: string; source: { kind: string; metric?: string; expr?: string }; intervalMs: number };
  origin: string;
  group: string | null;
  state: string;
  lastEvalAt: string | null;
  lastError: string | null;
  instances: Record<string, number>;
}

async function readParsed(file: string | undefined) {
  if (file === undefined) throw new UsageError('give the rule file, e.g. pgtel rules check rules.yaml');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the rule file ${file}: ${(error as Error).message}`);
  }
  return { text, ...parseRuleFile(text) };
}

/** `check`: every problem with its group, rule, field and line; exit 1 when there is any. */
async function check(values: Values, io: CliIo, file: string | undefined): Promise<number> {
  const parsed = await readParsed(file);
  if (values.json)
    printJson(io, {
      file,
      groups: parsed.groups,
      rules: parsed.rules.length,
      recordingRules: parsed.recordingRules.length,
      problems: parsed.problems,
    });
  else if (parsed.problems.length === 0)
    io.out(
      `${file}: SUCCESS: ${parsed.rules.length + parsed.recordingRules.length} rules in ${parsed.groups} groups found\n`,
    );
  else {
    io.err(`${file}: FAILED: ${parsed.problems.length} problem${parsed.problems.length === 1 ? '' : 's'}\n`);
    for (const p of parsed.problems) io.err(`  ${formatRuleFileProblem(p)}\n`);
  }
  return parsed.problems.length === 0 ? EXIT.ok : EXIT.failure;
}

/** `apply`: checks, then makes the stored rule-file rules exactly the file's (see `applyFileRules`). */
async function apply(values: Values, io: CliIo, file: string | undefined): Promise<number> {
  const parsed = await readParsed(file);
  if (parsed.problems.length > 0) return check(values, io, file);
  // The server checks the same file again: it is sent as the JSON form of the YAML.
  const result = await withApi(values, io, ({ client }) =>
    client.put<{ created: string[]; updated: string[]; unchanged: string[]; removed: string[] }>(
      '/alerts/rules',
      parseYaml(parsed.text),
    ),
  );
  if (values.json) printJson(io, result);
  else
    io.out(
      `${file}: ${result.created.length} created, ${result.updated.length} updated, ` +
        `${result.unchanged.length} unchanged, ${result.removed.length} removed\n` +
        result.removed.map((name) => `  removed ${name} (its alerts resolved)\n`).join(''),
    );
  return EXIT.ok;
}

interface RecordingView {
  group: string;
  record: string;
  expr: string;
  intervalMs: number;
  lastEvalAt: string | null;
  lastError: string | null;
}

/** A rule's source in a few words: `rate(http_ms)`, `sql`, or a PromQL rule's expression. */
function sourceText(source: RuleView['rule']['source']): string {
  if (source.expr !== undefined) return source.expr;
  return source.metric ? `${source.kind}(${source.metric})` : source.kind;
}

async function list(values: Values, io: CliIo): Promise<number> {
  const { rules, recordingRules = [] } = await withApi(values, io, ({ client }) =>
    client.get<{ rules: RuleView[]; recordingRules?: RecordingView[] }>('/alerts/rules'),
  );
  if (values.json) printJson(io, { rules, recordingRules });
  else if (rules.length === 0 && recordingRules.length === 0)
    io.out(
      'No alert rules. Add them with a rule file (pgtel rules apply FILE, or PGTEL_RULES_FILE for pgtel serve), PUT /api/alerts/rules/:name, or saveAlertRules().\n',
    );
  else {
    if (rules.length > 0)
      io.out(
        renderTable(
          ['rule', 'state', 'source', 'every', 'origin', 'last evaluated', 'firing', 'last error'],
          rules.map((r) => [
            r.rule.name,
            r.state,
            sourceText(r.rule.source),
            `${r.rule.intervalMs / 1000}s`,
            r.group ? `${r.origin}:${r.group}` : r.origin,
            r.lastEvalAt ?? 'never',
            String(r.instances.firing ?? 0),
            r.lastError ?? '',
          ]),
        ),
      );
    if (recordingRules.length > 0)
      io.out(
        `${rules.length > 0 ? '\n' : ''}${renderTable(
          ['record', 'expr', 'every', 'group', 'last evaluated', 'last error'],
          recordingRules.map((r) => [
            r.record,
            r.expr,
            `${r.intervalMs / 1000}s`,
            r.group,
            r.lastEvalAt ?? 'never',
            r.lastError ?? '',
          ]),
        )}`,
      );
  }
  return EXIT.ok;
}

export const rulesCommand: Command = {
  usage: [
    'pgtel rules check FILE [--json]    validate a rule file: every problem with group, rule, field and line; exit 1 on any',
    "       pgtel rules apply FILE [--json] [--url URL]   make the stored rule-file rules exactly FILE's",
    '       pgtel rules [list] [--json] [--url URL]       every rule with its state, origin and last evaluation',
  ].join('\n'),
  options: { ...apiOptions },
  run({ values, positionals }, io) {
    const [sub = 'list', file, extra] = positionals;
    if (extra !== undefined || (sub === 'list' && file !== undefined))
      throw new UsageError(`unexpected argument "${extra ?? file}"`);
    switch (sub) {
      case 'check':
        return check(values, io, file);
      case 'apply':
        return apply(values, io, file);
      case 'list':
        return list(values, io);
      default:
        throw new UsageError(`unknown rules subcommand "${sub}"`);
    }
  },
};
