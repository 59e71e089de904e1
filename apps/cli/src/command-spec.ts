import type { Command } from 'commander';
import type { Io } from './io.js';

/** A positional argument in commander syntax: `<id>`, `[id]`, `[prompt...]`. */
export interface ArgumentSpec {
  syntax: string;
  description: string;
}

/** An option in commander syntax (`--model <m>`); `repeatable` collects every use into an array. */
export interface OptionSpec {
  flags: string;
  description: string;
  repeatable?: boolean;
  /** Commander refuses the command without it (exit 2). */
  required?: boolean;
}

/** One help example: the command line and, optionally, what it does. */
export type Example = readonly [commandLine: string, note?: string];

/** What a command module receives: parsed arguments by name, options (camelCase), streams. */
export interface CommandContext {
  args: Record<string, string | string[] | undefined>;
  options: Record<string, unknown>;
  io: Io;
  /** The commander command that ran, and the root program (for help). */
  command: Command;
  program: Command;
}

/** A command's module: returns its exit status (0 when void) or throws a typed error. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number | void>;
}

/**
 * A command as `main` declares it: cheap static data for parsing and help, plus `load`, which
 * imports the module only when the command runs. A group (`config`, `daemon`) has `subcommands`.
 */
export interface CommandSpec {
  name: string;
  summary: string;
  arguments?: readonly ArgumentSpec[];
  options?: readonly OptionSpec[];
  examples: readonly Example[];
  load?: () => Promise<CommandModule>;
  subcommands?: readonly CommandSpec[];
}

/** The shared `--json` option: machine-readable output on stdout, nothing else there. */
export const JSON_OPTION: OptionSpec = {
  flags: '--json',
  description: 'print machine-readable JSON on stdout and nothing else there',
};
