import { parseArgs } from 'node:util';
import { PgtelError, ValidationError } from '../errors.js';
import { redact } from '../redact.js';
import { type CliIo, EXIT } from './Command.js';
import { commandIndex as commands } from './commandIndex.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'pgtel: PostgreSQL-native observability',
    '',
    'Usage: pgtel <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --json on every command prints one machine-readable JSON document (a failure too:',
    '  {"error": {"code", "message"}} with a non-zero exit); data commands take --url (or PGTEL_URL)',
    '  of a running pgtel serve, and send PGTEL_API_TOKEN. Without one they reach the pgtel serve',
    '  holding the embedded database (its lock file records its URL) or answering on the configured',
    '  port where there is no database folder, else open the database; only migrate, demo and serve',
    '  create one. Colour only on a terminal, never with NO_COLOR.',
    '',
    'Exit codes: 0 ok; 1 failure; 2 usage error (bad command, option or argument);',
    '  3 unhealthy or pending: status with pending migrations, doctor with findings, alerts firing,',
    '  or alerts without data or failing to evaluate (nodata, error).',
    '',
    'Configuration comes from PGTEL_* / DATABASE_URL environment variables (see README).',
    "pgtel <command> --help shows the command's usage.",
    '',
  ].join('\n');
}

/** Runs one CLI invocation; resolves with the exit code. Never calls process.exit. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`pgtel: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${entry.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
  }
  // Asked before parsing, so even a bad option is answered in JSON.
  const json = rest.includes('--json') && 'json' in command.options;
  const fail = (code: number, error: CliFailure) => {
    if (json) io.out(`${JSON.stringify({ error: { code: error.code, message: error.message } })}\n`);
    else io.err(`pgtel ${name}: ${error.message}\n${code === EXIT.usage ? `Usage: ${command.usage}\n` : ''}`);
    return code;
  };
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    return fail(EXIT.usage, { code: 'PGTEL_INVALID', message: (error as Error).message });
  }
  try {
    return await command.run(parsed, io);
  } catch (error) {
    // A bad argument, caught here or answered 400 by the API, is a usage error.
    if (error instanceof ValidationError)
      return fail(EXIT.usage, { code: error.code, message: redact(error.message) });
    if (error instanceof PgtelError)
      return fail(EXIT.failure, { code: error.code, message: redact(error.message) });
    return fail(EXIT.failure, {
      code: 'PGTEL_INTERNAL',
      message: redact(String((error as Error)?.stack ?? error)),
    });
  }
}

/** What a failed command reports: a stable code (see errors.ts) and a message. */
interface CliFailure {
  code: string;
  message: string;
}
