import { parseArgs } from 'node:util';
import { PgtelError, ValidationError } from '../errors.js';
import { redact } from '../redact.js';
import { type CliIo, type Command, EXIT } from './Command.js';
import { alertsCommand } from './commands/alerts.js';
import { demoCommand } from './commands/demo.js';
import { doctorCommand } from './commands/doctor.js';
import { grafanaCommand } from './commands/grafana.js';
import { logsCommand } from './commands/logs.js';
import { metricsCommand } from './commands/metrics.js';
import { migrateCommand } from './commands/migrate.js';
import { promqlCommand } from './commands/promql.js';
import { pruneCommand } from './commands/prune.js';
import { queryCommand } from './commands/query.js';
import { rulesCommand } from './commands/rules.js';
import { serveCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { traceCommand, tracesCommand } from './commands/traces.js';
import { workflowCommand, workflowsCommand } from './commands/workflows.js';

const commands: readonly Command[] = [
  serveCommand,
  migrateCommand,
  statusCommand,
  doctorCommand,
  tracesCommand,
  traceCommand,
  logsCommand,
  metricsCommand,
  promqlCommand,
  queryCommand,
  workflowsCommand,
  workflowCommand,
  alertsCommand,
  rulesCommand,
  pruneCommand,
  demoCommand,
  grafanaCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'pgtel: PostgreSQL-native observability',
    '',
    'Usage: pgtel <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options: --json on every command prints one machine-readable JSON document;',
    '  data commands take --url (or PGTEL_URL) of a running pgtel serve, and send PGTEL_API_TOKEN.',
    '  Without one they open the database, or reach the configured server when it holds the',
    '  embedded database. Colour only on a terminal, never with NO_COLOR.',
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
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`pgtel: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.summary}\n\nUsage: ${command.usage}\n`);
    return EXIT.ok;
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
    // A bad argument, caught here or answered 400 by the API, is a usage error.
    if (error instanceof ValidationError) {
      io.err(`pgtel ${name}: ${redact(error.message)}\nUsage: ${command.usage}\n`);
      return EXIT.usage;
    }
    const message = error instanceof PgtelError ? error.message : String((error as Error)?.stack ?? error);
    io.err(`pgtel ${name}: ${redact(message)}\n`);
    return EXIT.failure;
  }
}
