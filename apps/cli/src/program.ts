import { Command, Option } from 'commander';
import type { CommandContext, CommandSpec, OptionSpec } from './command-spec.js';
import { HELP_CONFIGURATION, addExamples } from './help-text.js';
import type { Io } from './io.js';
import { VERSION } from '@dispatch/runtime';

/** Root help text after the usage line: what a bare prompt means. */
const ROOT_DESCRIPTION = [
  'Run AI coding agents in the background: plans, questions and recovery over files.',
  '',
  '`dispatch <prompt...>` is the same as `dispatch run <prompt...>`.',
].join('\n');

/**
 * Parses `argv` (already routed) against the command table and runs the chosen command. Returns its
 * exit status; errors (commander's included, via exitOverride) propagate to the entry point.
 */
export async function runProgram(
  argv: readonly string[],
  specs: readonly CommandSpec[],
  rootExamples: CommandSpec['examples'],
  io: Io,
): Promise<number> {
  let exitCode = 0;
  const program = new Command('dispatch');
  // Settings before any `.command()`: subcommands copy them when created.
  program
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // The entry point prints errors itself, as one line.
      outputError: () => {},
      getOutHasColors: () => io.outColor,
      getErrHasColors: () => io.errColor,
      getOutHelpWidth: () => io.outColumns ?? 100,
      getErrHelpWidth: () => 100,
    })
    .configureHelp(HELP_CONFIGURATION)
    .helpCommand(false)
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .usage('[-C dir] [command] [options] | <prompt...>')
    // Taken off argv before routing (global-options.ts); declared here for the help, and positional
    // so that a -C after the command name is that command's unknown option, not silently this one.
    .option('-C <dir>', 'run as if dispatch was started in DIR (before the command)')
    .enablePositionalOptions()
    .description(ROOT_DESCRIPTION)
    // `dispatch` alone: the warm-up (load the config and confirm it).
    .action(async () => {
      const warmup = await import('./commands/warmup.js');
      exitCode = (await warmup.run({ args: {}, options: {}, io, command: program, program })) ?? 0;
    });
  addExamples(program, rootExamples);

  const onRun = (code: number) => {
    exitCode = code;
  };
  for (const spec of specsToDeclare(argv, specs)) addSpec(program, program, spec, io, onRun);
  await program.parseAsync([...argv], { from: 'user' });
  return exitCode;
}

/** Commands that read the whole command tree (help text of others, shell completion). */
const NEEDS_EVERY_COMMAND = new Set(['help', 'completion']);

/**
 * The commands commander needs to know for this command line: the one it names (its parsing, errors
 * and help are its own), or all of them for the root's help and the commands that list them.
 * Declaring thirty commands with their options is a measurable part of a short command's start-up.
 */
function specsToDeclare(argv: readonly string[], specs: readonly CommandSpec[]): readonly CommandSpec[] {
  const named = specs.find((spec) => spec.name === argv[0]);
  return named !== undefined && !NEEDS_EVERY_COMMAND.has(named.name) ? [named] : specs;
}

function addSpec(program: Command, parent: Command, spec: CommandSpec, io: Io, onRun: (code: number) => void): void {
  const command = parent.command(spec.name).summary(spec.summary).description(spec.summary);
  for (const argument of spec.arguments ?? []) command.argument(argument.syntax, argument.description);
  for (const option of spec.options ?? []) command.addOption(toOption(option));
  addExamples(command, spec.examples);
  for (const sub of spec.subcommands ?? []) addSpec(program, command, sub, io, onRun);
  const { load } = spec;
  if (load === undefined) return;
  command.action(async () => {
    const args: CommandContext['args'] = {};
    command.registeredArguments.forEach((argument, i) => {
      args[argument.name()] = command.processedArgs[i] as string | string[] | undefined;
    });
    const module = await load();
    const code = await module.run({ args, options: command.opts(), io, command, program });
    onRun(code ?? 0);
  });
}

function toOption(spec: OptionSpec): Option {
  const option = new Option(spec.flags, spec.description);
  if (spec.required) option.makeOptionMandatory();
  if (spec.repeatable) {
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  }
  return option;
}
