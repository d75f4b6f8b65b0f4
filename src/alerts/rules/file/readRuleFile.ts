import { readFile } from 'node:fs/promises';
import { ConfigError, ValidationError } from '../../../errors.js';
import { formatRuleFileProblem, type ParsedRuleFile, parseRuleFile } from './parseRuleFile.js';

/** A rule file that does not validate: every problem, one a line, in the message and in `problems`. */
export class RuleFileError extends ValidationError {
  readonly problems: ParsedRuleFile['problems'];

  constructor(file: string, parsed: ParsedRuleFile) {
    const count = parsed.problems.length;
    super(
      `${file}: ${count} problem${count === 1 ? '' : 's'}\n${parsed.problems.map((p) => `  ${formatRuleFileProblem(p)}`).join('\n')}`,
    );
    this.problems = parsed.problems;
  }
}

/** Reads and parses a rule file; ConfigError when it cannot be read. Problems are returned, not thrown. */
export async function readRuleFile(path: string): Promise<ParsedRuleFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read the rule file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseRuleFile(text);
}
