import { parseArgs } from 'node:util';
import { PgtelError } from '../errors.js';
import { redact } from '../redact.js';
import { type CliIo, type Command, EXIT } from './Command.js';
import { migrateCommand } from './commands/migrate.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';

const commands: readonly Command[] = [serveCommand, migrateCommand, statusCommand];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'pgtel: PostgreSQL-native observability',
    '',
    'Usage: pgtel <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 failure, 2 usage error, 3 unhealthy or pending work.',
    'Configuration comes from PGTEL_* / DATABASE_URL environment variables (see README).',
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
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pgtel: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...rest], options: command.options, allowPositionals: true, strict: true });
  } catch (error) {
    io.err(`pgtel ${name}: ${(error as Error).message}\nUsage: ${command.usage}\n`);
    return EXIT.usage;
  }
  try {
    return await command.run(parsed, io);
  } catch (error) {
    const message = error instanceof PgtelError ? error.message : String((error as Error)?.stack ?? error);
    io.err(`pgtel ${name}: ${redact(message)}\n`);
    return EXIT.failure;
  }
}
