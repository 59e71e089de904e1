import type { Command } from 'commander';
import type { CommandContext } from '../command-spec.js';
import { unknownCommand } from '../route.js';

/** `dispatch help [command...]`: the root help, or one (sub)command's help, on stdout. */
export async function run(ctx: CommandContext): Promise<void> {
  const path = (ctx.args.command as string[] | undefined) ?? [];
  let target: Command = ctx.program;
  for (const name of path) {
    const next = target.commands.find((c) => c.name() === name || c.aliases().includes(name));
    if (next === undefined) {
      const names = target.commands.map((c) => c.name());
      throw unknownCommand(name, names, target === ctx.program);
    }
    target = next;
  }
  target.outputHelp();
}
