import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { AliasConfig, BackendConfig, BackendKind, DispatchConfig } from '../types.js';
import { describeResolution, resolveModel, wantsSimModel } from './resolve-model.js';

function backend(name: string, kind: BackendKind, command: string, modelFlag?: string | null): BackendConfig {
  return { name, kind, command, modelFlag, env: [], executor: undefined };
}

function alias(name: string, model: string | undefined, prompt?: string, command?: string): AliasConfig {
  return { name, model, prompt, command };
}

function config(over: Partial<DispatchConfig> & { modelsTo: Record<string, string> }): DispatchConfig {
  const { modelsTo, ...rest } = over;
  return {
    path: '/home/u/.dispatch/config.yaml',
    format: 'current',
    default: 'haiku',
    backends: {
      claude: backend('claude', 'claude', 'claude -p --dangerously-skip-permissions'),
      cursor: backend('cursor', 'cursor', 'agent -p --force --workspace "$(pwd)"'),
      codex: backend('codex', 'codex', 'codex exec --full-auto -C "$(pwd)"'),
      opencode: backend('opencode', 'opencode', 'opencode run'),
    },
    executors: { local: { name: 'local', kind: 'local', sbatch: [], scanInterval: undefined } },
    models: Object.fromEntries(Object.entries(modelsTo).map(([id, b]) => [id, { id, backend: b }])),
    aliases: {},
    answerTimeout: undefined,
    limits: undefined,
    fallback: [],
    notify: undefined,
    quotaCooldown: 1800,
    timeLimit: 10800,
    worktreeSetup: undefined,
    budgetUsd: undefined,
    ...rest,
  };
}

// The default (haiku) is named by no prompt below, so a wrong directive can never pass as the default.
const table = config({
  modelsTo: {
    haiku: 'claude',
    opus: 'claude',
    sonnet: 'claude',
    'opus-4.5': 'cursor',
    'sonnet-4.6': 'cursor',
    'gpt-5': 'codex',
    'gpt-5.3-codex': 'codex',
    'gemini-3.1-pro': 'cursor',
    'anthropic/claude-opus-4.5': 'opencode',
  },
  aliases: {
    'security-reviewer': alias('security-reviewer', 'opus', 'You are a security-focused reviewer.'),
    quick: alias('quick', 'sonnet'),
  },
});

type Row = [prompt: string, model: string, via: 'directive' | 'default' | 'builtin', alias?: string];

const rows: Row[] = [
  ['fix the login bug', 'haiku', 'default'],
  ['use sonnet to review the auth module', 'sonnet', 'directive'],
  ['use opus to review, then use sonnet', 'sonnet', 'directive'],
  ['use sonnet to draft it, then use opus to review it', 'opus', 'directive'],
  ['review the codex backend', 'haiku', 'default'],
  ['fix the sonnet parser', 'haiku', 'default'],
  ['compare opus and sonnet outputs', 'haiku', 'default'],
  ['using sonnet-4.6, write the tests', 'sonnet-4.6', 'directive'],
  ['use sonnet-4.6 to write the tests', 'sonnet-4.6', 'directive'],
  ['use opus-4.5 for the migration', 'opus-4.5', 'directive'],
  ['use opus for the migration', 'opus', 'directive'],
  ['use opus-4.5x for the migration', 'haiku', 'default'],
  ['with gpt-5.3-codex, port the script to TypeScript', 'gpt-5.3-codex', 'directive'],
  ['use gpt-5 to review src/app.ts', 'gpt-5', 'directive'],
  ['have anthropic/claude-opus-4.5 review the diff', 'anthropic/claude-opus-4.5', 'directive'],
  ['ask gemini-3.1-pro to summarise the logs', 'gemini-3.1-pro', 'directive'],
  ['ask gemini-3.1-pro about the logs', 'haiku', 'default'],
  ['sonnet: tidy the README', 'sonnet', 'directive'],
  ['  Opus: tidy the README', 'opus', 'directive'],
  ['tidy the README, sonnet: go', 'haiku', 'default'],
  ['use quick', 'sonnet', 'directive', 'quick'],
  ['make a quick fix to the parser', 'haiku', 'default'],
  ['use security-reviewer on the auth module', 'opus', 'directive', 'security-reviewer'],
  ['USE SONNET to refactor the queue', 'sonnet', 'directive'],
  ['use Quick for the typo', 'sonnet', 'directive', 'quick'],
  ['use opus, then open a PR', 'opus', 'directive'],
  ['write the changelog and use sonnet.', 'sonnet', 'directive'],
  ['use "gpt-5" for this one', 'gpt-5', 'directive'],
  ["don't use opus for this, it is a small fix", 'haiku', 'default'],
  ['replace opus with sonnet in the docs', 'haiku', 'default'],
  ['we have sonnet configured, so fix the bug', 'haiku', 'default'],
  ['have opus review the code', 'opus', 'directive'],
  ['fix the crash with sonnet parser input', 'haiku', 'default'],
  ['fix the bug using the sonnet parser', 'haiku', 'default'],
  ['review the gpt-5.3-codex output using sonnet', 'sonnet', 'directive'],
  ['use gpt-5 for the quick pass', 'gpt-5', 'directive'],
  ['move src/opus/util.ts to lib/', 'haiku', 'default'],
  ['use sim to demo the flow', 'sim', 'builtin'],
];

describe('resolveModel: prompts', () => {
  it.each(rows)('%j → %s (%s)', (prompt, model, via, aliasName) => {
    const r = resolveModel({ config: table, prompt });
    expect({ model: r.model, via: r.via, alias: r.alias }).toEqual({ model, via, alias: aliasName });
  });

  it('has at least 25 rows', () => {
    expect(rows.length).toBeGreaterThanOrEqual(25);
  });

  it('carries the alias prompt, the backend and the command with the model passed', () => {
    const r = resolveModel({ config: table, prompt: 'use security-reviewer on the auth module' });
    expect(r.aliasPrompt).toBe('You are a security-focused reviewer.');
    expect(r.backend?.name).toBe('claude');
    expect(r.args).toEqual({ flag: '--model', value: 'opus' });
    expect(r.command).toBe("claude -p --dangerously-skip-permissions --model 'opus'");
  });

  it('passes the id itself to cursor and codex', () => {
    expect(resolveModel({ config: table, prompt: 'use sonnet-4.6' }).command).toBe(
      `agent -p --force --workspace "$(pwd)" --model 'sonnet-4.6'`,
    );
    expect(resolveModel({ config: table, prompt: 'use gpt-5.3-codex' }).args).toEqual({
      flag: '--model',
      value: 'gpt-5.3-codex',
    });
  });
});

describe('resolveModel: --model', () => {
  it('overrides the prompt, with a model id or an alias', () => {
    const byId = resolveModel({ config: table, modelFlag: 'gpt-5', prompt: 'use sonnet to review' });
    expect([byId.model, byId.via]).toEqual(['gpt-5', 'flag']);
    const byAlias = resolveModel({ config: table, modelFlag: 'security-reviewer', prompt: 'use sonnet' });
    expect([byAlias.model, byAlias.via, byAlias.alias]).toEqual(['opus', 'flag', 'security-reviewer']);
  });

  it('refuses an unknown model, naming what is configured and the nearest name', () => {
    const err = catchError(() => resolveModel({ config: table, modelFlag: 'sonet' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('unknown-model');
    expect(err.message).toMatch(/^unknown model 'sonet': did you mean sonnet\?/);
    expect(err.message).toContain('models: haiku, opus, sonnet,');
    expect(err.message).toContain('aliases: security-reviewer, quick');
    expect(err.message).not.toContain('\n');
  });

  it('offers no guess when nothing is near', () => {
    expect(() => resolveModel({ config: table, modelFlag: 'llama-3-70b' })).toThrow(
      /^unknown model 'llama-3-70b' \(models: /,
    );
  });
});

describe('resolveModel: the built-in sim model and a missing config', () => {
  it('resolves sim with no config at all', () => {
    expect(resolveModel({ config: null, modelFlag: 'sim', prompt: 'use opus' })).toEqual({
      model: 'sim',
      via: 'builtin',
      backend: null,
      args: null,
      command: null,
    });
  });

  it('resolves a "use sim" directive with no config, as --model sim; a mere mention is no directive', () => {
    expect(resolveModel({ config: null, prompt: 'use sim to scan the repo' }).via).toBe('builtin');
    expect(wantsSimModel({ prompt: 'use sim to scan the repo' })).toBe(true);
    expect(wantsSimModel({ prompt: 'review the sim backend' })).toBe(false);
    expect(wantsSimModel({ modelFlag: 'opus', prompt: 'use sim to scan' })).toBe(false);
    expect(() => resolveModel({ config: null, prompt: 'review the sim backend' })).toThrow(/dispatch init/);
  });

  it('lets a configured sim model win over the built-in one', () => {
    const withSim = config({ modelsTo: { haiku: 'claude', sim: 'codex' } });
    const r = resolveModel({ config: withSim, modelFlag: 'sim' });
    expect([r.via, r.backend?.name]).toEqual(['flag', 'codex']);
  });

  it('says what to do when there is no config', () => {
    const err = catchError(() => resolveModel({ config: null, prompt: 'use opus to review' }));
    expect((err as ConfigError).code).toBe('missing-config');
    expect(err.message).toBe('no config: run `dispatch init`, or use the built-in sim model (--model sim)');
    expect(() => resolveModel({ config: null, modelFlag: 'opus' })).toThrow(/dispatch init/);
  });
});

describe('resolveModel: the reference configs', () => {
  const reference = config({
    default: 'opus',
    modelsTo: { opus: 'claude', sonnet: 'claude', 'gpt-5.3-codex': 'codex', 'gemini-3.1-pro': 'cursor' },
    aliases: {
      'security-reviewer': alias('security-reviewer', 'opus', 'You are a security-focused reviewer...'),
      quick: alias('quick', 'sonnet'),
    },
  });

  it('falls back to the default, opus', () => {
    const r = resolveModel({ config: reference, prompt: 'review the codex backend' });
    expect([r.model, r.via, describeResolution(r)]).toEqual(['opus', 'default', 'using opus (default)']);
  });

  it('runs an old-format agent with its own command', () => {
    const old = config({
      format: 'old',
      default: 'reviewer',
      modelsTo: {},
      backends: {},
      aliases: {
        reviewer: alias('reviewer', undefined, undefined, 'claude -p --model opus\n'),
        fast: alias('fast', undefined, undefined, 'agent -p'),
      },
    });
    const byDefault = resolveModel({ config: old, prompt: 'fix it' });
    expect(byDefault).toEqual({
      model: 'reviewer',
      via: 'default',
      alias: 'reviewer',
      backend: null,
      args: null,
      command: 'claude -p --model opus',
    });
    expect(resolveModel({ config: old, prompt: 'use fast to fix it' }).command).toBe('agent -p');
  });

  it('refuses a dangling alias and a model whose backend is missing, naming the file', () => {
    const broken = config({ modelsTo: { haiku: 'claude', ghost: 'nowhere' }, aliases: { bad: alias('bad', 'gone') } });
    const err = catchError(() => resolveModel({ config: broken, modelFlag: 'bad' })) as ConfigError;
    expect([err.code, err.file, err.message]).toEqual([
      'unknown-model',
      broken.path,
      "aliases.bad: names model 'gone', which is not defined in models",
    ]);
    expect(() => resolveModel({ config: broken, modelFlag: 'ghost' })).toThrow(
      "models.ghost: backend 'nowhere' is not defined in backends",
    );
  });
});

describe('describeResolution', () => {
  it.each([
    [{ config: table }, 'using haiku (default)'],
    [{ config: table, prompt: 'use sonnet to fix it' }, 'using sonnet (from the prompt)'],
    [{ config: table, prompt: 'use security-reviewer' }, 'using security-reviewer → opus (alias)'],
    [{ config: table, modelFlag: 'gpt-5' }, 'using gpt-5 (--model)'],
    [{ config: { ...table, default: 'quick' } }, 'using quick → sonnet (alias, default)'],
    [{ config: null, modelFlag: 'sim' }, 'using sim (built-in)'],
  ])('%j → %s', (input, line) => {
    expect(describeResolution(resolveModel(input))).toBe(line);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
