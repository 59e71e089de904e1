import { usageError } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { COMMANDS } from '../command-table.js';
import { bashScript } from '../completion/bash.js';
import { completionTree } from '../completion/completion-tree.js';
import { fishScript } from '../completion/fish.js';
import { zshScript } from '../completion/zsh.js';

const SCRIPTS = { bash: bashScript, zsh: zshScript, fish: fishScript } as const;

/** `dispatch completion bash|zsh|fish`: the shell's completion script, made from the command table. */
export async function run(ctx: CommandContext): Promise<void> {
  const shell = String(ctx.args.shell ?? '');
  if (!Object.hasOwn(SCRIPTS, shell))
    throw usageError(`completion ${shell}: one of ${Object.keys(SCRIPTS).join(', ')}`, 'invalid-input');
  ctx.io.out(SCRIPTS[shell as keyof typeof SCRIPTS](completionTree(COMMANDS)));
}
