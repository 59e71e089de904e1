import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import type { DispatchConfig } from '../types.js';
import { loadConfig } from './index.js';

const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));

async function failure(path: string): Promise<ConfigError> {
  const error = await loadConfig(path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig: the reference formats', () => {
  it('reads the reference example config exactly as the digest writes it', async () => {
    const path = join(fixtures, 'reference.yaml');
    const { config, warnings, text } = await loadConfig(path);
    const expected: DispatchConfig = {
      path,
      format: 'current',
      default: 'opus',
      backends: {
        claude: {
          name: 'claude',
          kind: 'claude',
          command: 'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
          modelFlag: undefined,
          env: [],
          executor: undefined,
        },
        cursor: {
          name: 'cursor',
          kind: 'cursor',
          command: 'agent -p --force --workspace "$(pwd)"',
          modelFlag: undefined,
          env: [],
          executor: undefined,
        },
        codex: {
          name: 'codex',
          kind: 'codex',
          command: 'codex exec --full-auto -C "$(pwd)"',
          modelFlag: undefined,
          env: [],
          executor: undefined,
        },
      },
      executors: { local: { name: 'local', kind: 'local', sbatch: [], scanInterval: undefined } },
      models: {
        opus: { id: 'opus', backend: 'claude' },
        sonnet: { id: 'sonnet', backend: 'claude' },
        'gpt-5.3-codex': { id: 'gpt-5.3-codex', backend: 'codex' },
        'gemini-3.1-pro': { id: 'gemini-3.1-pro', backend: 'cursor' },
      },
      aliases: {
        'security-reviewer': {
          name: 'security-reviewer',
          model: 'opus',
          prompt: 'You are a security-focused reviewer...',
          command: undefined,
        },
        quick: { name: 'quick', model: 'sonnet', prompt: undefined, command: undefined },
      },
      answerTimeout: undefined,
      limits: undefined,
      fallback: [],
      notify: undefined,
      quotaCooldown: 1800,
      timeLimit: 10800,
      worktreeSetup: undefined,
      budgetUsd: undefined,
    };
    expect(config).toStrictEqual(expected);
    expect(Object.keys(config.models)).toEqual(['opus', 'sonnet', 'gpt-5.3-codex', 'gemini-3.1-pro']);
    expect(warnings).toEqual([]);
    expect(text).toBe(await readFile(path, 'utf8'));
  });

  it('reads the old format as aliases with inline commands, trimmed, and hints at migrating', async () => {
    const path = join(fixtures, 'old-format.yaml');
    const { config, warnings } = await loadConfig(path);
    expect(config).toStrictEqual({
      path,
      format: 'old',
      default: 'claude',
      backends: {},
      models: {},
      executors: { local: { name: 'local', kind: 'local', sbatch: [], scanInterval: undefined } },
      aliases: {
        claude: {
          name: 'claude',
          model: undefined,
          prompt: undefined,
          command: 'env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
        },
        codex: { name: 'codex', model: undefined, prompt: undefined, command: 'codex exec --full-auto -C "$(pwd)"' },
        reviewer: {
          name: 'reviewer',
          model: undefined,
          prompt: undefined,
          command: 'agent -p --force --workspace "$(pwd)" --model gpt-5.3-codex',
        },
      },
      answerTimeout: undefined,
      limits: undefined,
      fallback: [],
      notify: undefined,
      quotaCooldown: 1800,
      timeLimit: 10800,
      worktreeSetup: undefined,
      budgetUsd: undefined,
    } satisfies DispatchConfig);
    expect(warnings).toEqual([
      {
        message: 'old config format: run `dispatch config migrate` to convert it',
        key: 'agents',
        position: { line: 3, col: 1 },
      },
    ]);
  });
});

describe('loadConfig: files', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dispatch-load-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a missing config with missing-config, naming the file', async () => {
    const path = join(dir, 'config.yaml');
    const error = await failure(path);
    expect(error.code).toBe('missing-config');
    expect(error.file).toBe(path);
    expect(error.message).toBe('no config file: run `dispatch init` to create one');
  });

  it('reads a symlinked config from its target', async () => {
    const target = join(dir, 'real.yaml');
    await writeFile(
      target,
      'default: opus\nbackends: { claude: { command: claude -p } }\nmodels: { opus: { backend: claude } }\n',
    );
    await symlink(target, join(dir, 'config.yaml'));
    const { config } = await loadConfig(join(dir, 'config.yaml'));
    expect(config.path).toBe(join(dir, 'config.yaml'));
    expect(config.models).toEqual({ opus: { id: 'opus', backend: 'claude' } });
  });

  it('throws the first error in the file, one line without the file name, its position in line/col', async () => {
    const path = join(dir, 'config.yaml');
    const text = [
      'default: haiku',
      'backends:',
      '  claude: { command: "" }',
      'models:',
      '  opus: { backend: claude }',
      '',
    ].join('\n');
    await writeFile(path, text);
    const error = await failure(path);
    expect(error).toMatchObject({ code: 'malformed-config', file: path, line: 1, col: 10 });
    expect(error.message).toBe("default: 'haiku' is not a model or alias defined in the config");
  });

  it('returns warnings with the config instead of throwing', async () => {
    const path = join(dir, 'config.yaml');
    await writeFile(
      path,
      'default: opus\nmodles: {}\nbackends: { claude: { command: claude -p } }\nmodels: { opus: { backend: claude } }\n',
    );
    const { config, warnings } = await loadConfig(path);
    expect(config.default).toBe('opus');
    expect(warnings).toEqual([
      { message: 'modles: unknown key, ignored (did you mean models?)', key: 'modles', position: { line: 2, col: 1 } },
    ]);
  });
});
