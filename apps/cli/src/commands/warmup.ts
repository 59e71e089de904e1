import { ConfigError, configPath } from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import { printWarnings } from '../view/config-warnings.js';
import { loadUserConfig } from '@dispatch/runtime';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Loads the config for a command that needs one. Without a config, a terminal user is walked
 * through first-run setup; a script gets one clear line naming `dispatch init` and the
 * built-in `sim` model — never a prompt.
 */
export async function needConfig(ctx: CommandContext) {
  const path = configPath(ctx.io.env);
  try {
    return await loadUserConfig(ctx.io.env);
  } catch (err) {
    if (!(err instanceof ConfigError && err.code === 'missing-config')) throw err;
    if (!ctx.io.interactive) {
      throw new ConfigError(
        'missing-config',
        `no config at ${path}: run \`dispatch init\` (the built-in sim model needs none: dispatch demo, or --model sim)`,
      );
    }
    ctx.io.err(`No config at ${path} yet: let's write one.\n`);
    const { firstRun } = await import('./init.js');
    await firstRun(ctx);
    return loadUserConfig(ctx.io.env);
  }
}

/**
 * Bare `dispatch`: load the config and confirm it (`Config loaded: default opus, 8 models, 2
 * aliases.`), then what needs the user, as `dispatch inbox` lists it (nothing when nothing does).
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { config, warnings } = await needConfig(ctx);
  printWarnings(ctx.io, config.path, warnings);
  const models = Object.keys(config.models).length;
  const aliases = Object.keys(config.aliases).length;
  ctx.io.out(
    `Config loaded: default ${config.default}, ${plural(models, 'model')}, ${plural(aliases, 'alias', 'aliases')}.\n`,
  );
  const { inboxEntries, inboxLines } = await import('./inbox.js');
  // The warm-up line has been said; a folder that is no workspace just has no inbox to show.
  const entries = await inboxEntries(ctx.io).catch((err: unknown) => {
    ctx.io.err(`dispatch: the inbox is not shown: ${err instanceof Error ? err.message : String(err)}\n`);
    return [];
  });
  if (entries.length > 0) ctx.io.out(inboxLines(entries));
}
