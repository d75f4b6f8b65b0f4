import type { ParseArgsConfig } from 'node:util';

/** Output sinks, injectable so commands are tested without a terminal. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal; colour is used only then (and never with NO_COLOR). Default false. */
  isTTY?: boolean;
  /** Stops a command that runs until interrupted (`logs --follow`). Default: Ctrl-C (SIGINT). */
  signal?: AbortSignal;
}

/** A command's parsing and behaviour; its name and summary are in `commandIndex`. */
export interface Command {
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves with the process exit code. */
  run(args: { values: Record<string, unknown>; positionals: string[] }, io: CliIo): Promise<number>;
}

/** Exit codes of every pgtel command, documented in the README. */
export const EXIT = { ok: 0, failure: 1, usage: 2, unhealthy: 3 } as const;
