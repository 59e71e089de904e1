import { describe, expect, it } from 'vitest';
import { parseConfigDocument, validateConfig } from './index.js';

function validate(text: string) {
  const parsed = parseConfigDocument(text, 'config.yaml');
  expect(parsed.errors).toEqual([]);
  return validateConfig(parsed.doc, 'config.yaml');
}

const lines = (...text: string[]) => `${text.join('\n')}\n`;
const BASE = [
  'default: opus',
  'backends:',
  '  claude: { command: claude -p }',
  'models:',
  '  opus: { backend: claude }',
];

describe('validateConfig: what it reads', () => {
  it('trims folded, literal and plain commands, and reads model_flag and kinds', () => {
    const { value, errors } = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude:',
        '    command: >',
        '      env -u CLAUDECODE',
        '      claude -p',
        '  gemini:',
        '    command: |',
        '      gemini --yolo',
        '    model_flag: -m',
        '  opencode: { command: "  opencode run  ", model_flag: none }',
        '  my-cli: { command: my-cli --prompt }',
        'models:',
        '  opus: { backend: claude }',
      ),
    );
    expect(errors).toEqual([]);
    expect(value?.backends).toStrictEqual({
      claude: {
        name: 'claude',
        kind: 'claude',
        command: 'env -u CLAUDECODE claude -p',
        modelFlag: undefined,
        env: [],
        executor: undefined,
      },
      gemini: {
        name: 'gemini',
        kind: 'gemini',
        command: 'gemini --yolo',
        modelFlag: '-m',
        env: [],
        executor: undefined,
      },
      opencode: {
        name: 'opencode',
        kind: 'opencode',
        command: 'opencode run',
        modelFlag: null,
        env: [],
        executor: undefined,
      },
      'my-cli': {
        name: 'my-cli',
        kind: 'command',
        command: 'my-cli --prompt',
        modelFlag: undefined,
        env: [],
        executor: undefined,
      },
    });
  });

  it("reads dispatch's own keys", () => {
    const { value, errors } = validate(
      lines(
        ...BASE,
        '  sonnet: { backend: claude }',
        'answer_timeout: 300',
        'limits: { total: 4, claude: 2 }',
        'fallback: [sonnet, opus]',
        'quota_cooldown: 600',
        'time_limit: 7200',
        'worktree_setup: npm ci',
        'budget_usd: 2.5',
        'notify: >',
        '  notify-send dispatch',
        'aliases:',
        '  review:',
        '    model: opus',
        '    prompt: |',
        '      Be thorough.',
        '      Cite lines.',
      ),
    );
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      answerTimeout: 300,
      limits: { total: 4, backends: { claude: 2 } },
      fallback: ['sonnet', 'opus'],
      quotaCooldown: 600,
      timeLimit: 7200,
      worktreeSetup: 'npm ci',
      budgetUsd: 2.5,
      notify: 'notify-send dispatch',
      aliases: { review: { name: 'review', model: 'opus', prompt: 'Be thorough.\nCite lines.', command: undefined } },
    });
  });

  it('takes an optional key with no value as left out, and an empty section as empty', () => {
    const { value, errors } = validate(
      lines(
        ...BASE,
        'aliases:',
        'answer_timeout:',
        'limits:',
        'fallback:',
        'notify: ~',
        'quota_cooldown:',
        'time_limit:',
      ),
    );
    expect(errors).toEqual([]);
    expect(value).toMatchObject({
      aliases: {},
      answerTimeout: undefined,
      limits: undefined,
      fallback: [],
      notify: undefined,
      quotaCooldown: 1800,
      timeLimit: 10800,
    });
  });

  it('follows YAML anchors and aliases', () => {
    const { value, errors } = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude: &cli { command: claude -p }',
        '  second: *cli',
        'models:',
        '  opus: { backend: second }',
      ),
    );
    expect(errors).toEqual([]);
    expect(value?.backends.second).toEqual({
      name: 'second',
      kind: 'command',
      command: 'claude -p',
      modelFlag: undefined,
      env: [],
      executor: undefined,
    });
  });

  it('reads a mixed config: agents become aliases too, with the old-format warning', () => {
    const { value, errors, warnings } = validate(lines(...BASE, 'agents:', '  legacy: { command: old-cli run }'));
    expect(errors).toEqual([]);
    expect(value?.format).toBe('old');
    expect(value?.aliases.legacy).toEqual({
      name: 'legacy',
      model: undefined,
      prompt: undefined,
      command: 'old-cli run',
    });
    expect(warnings.map((w) => w.message)).toEqual(['old config format: run `dispatch config migrate` to convert it']);
  });
});

describe('validateConfig: warnings', () => {
  it('warns about unknown keys at every level, with positions and near names, and still loads', () => {
    const { value, errors, warnings } = validate(
      lines(
        'default: opus',
        'defualt: sonnet',
        'backends:',
        '  claude: { command: claude -p, modelflag: -m }',
        'models:',
        '  opus: { backend: claude, tier: max }',
        'aliases:',
        '  quick: { model: opus, promt: hi }',
        'theme:',
        '  nested: { anything: 1 }',
      ),
    );
    expect(errors).toEqual([]);
    expect(value?.default).toBe('opus');
    expect(warnings).toEqual([
      {
        message: 'defualt: unknown key, ignored (did you mean default?)',
        key: 'defualt',
        position: { line: 2, col: 1 },
      },
      {
        message: 'backends.claude.modelflag: unknown key, ignored (did you mean model_flag?)',
        key: 'backends.claude.modelflag',
        position: { line: 4, col: 33 },
      },
      { message: 'models.opus.tier: unknown key, ignored', key: 'models.opus.tier', position: { line: 6, col: 28 } },
      {
        message: 'aliases.quick.promt: unknown key, ignored (did you mean prompt?)',
        key: 'aliases.quick.promt',
        position: { line: 8, col: 25 },
      },
      { message: 'theme: unknown key, ignored', key: 'theme', position: { line: 9, col: 1 } },
    ]);
  });

  it('keeps messages on one line when a key holds a line break', () => {
    const { warnings } = validate(lines(...BASE, '"bad\\nkey": 1'));
    expect(warnings).toEqual([
      { message: 'bad\\u000akey: unknown key, ignored', key: 'bad\\u000akey', position: { line: 6, col: 1 } },
    ]);
  });
});

describe('validateConfig: errors', () => {
  it('collects every problem, sorted by position, and gives no config', () => {
    const { value, errors } = validate(
      lines(
        'default: gpt',
        'backends:',
        '  claude: { command: " " }',
        'models:',
        '  opus: { backend: claud }',
        '  "bad id": { backend: claude }',
        'aliases:',
        '  quick: { model: sonet }',
        'answer_timeout: 0',
        'quota_cooldown: soon',
        'budget_usd: -1',
      ),
    );
    expect(value).toBeNull();
    expect(errors.map((e) => [e.position?.line, e.message])).toEqual([
      [1, "default: 'gpt' is not a model or alias defined in the config"],
      [3, 'backends.claude.command: is empty: expected the shell command that runs the worker CLI'],
      [5, "models.opus: backend 'claud' is not defined in backends (did you mean claude?)"],
      [
        6,
        "models.bad id: invalid model id 'bad id': use letters, digits and . _ : / @ + - and start with a letter or digit",
      ],
      [8, "aliases.quick: model 'sonet' is not defined in models"],
      [9, 'answer_timeout: expected whole seconds from 1 to 604800 (a week), got the number 0'],
      [10, "quota_cooldown: expected whole seconds from 1 to 604800 (a week), got the string 'soon'"],
      [11, 'budget_usd: expected a spend limit in US dollars per worker run, more than 0 (e.g. 5), got the number -1'],
    ]);
    expect(errors[2]?.key).toBe('models.opus.backend');
  });

  it('does not pile errors on a section that is the wrong type', () => {
    const { errors } = validate(
      lines('default: opus', 'backends: claude', 'models:', '  opus: { backend: claude }', 'limits: { claude: 1 }'),
    );
    expect(errors.map((e) => e.message)).toEqual([
      'backends: expected a mapping of backends (e.g. claude: { command: "claude -p" }), got the string \'claude\'',
    ]);
  });

  it('refuses an alias that names another alias, and a week-plus answer_timeout', () => {
    const { errors } = validate(
      lines(...BASE, 'aliases:', '  quick: { model: opus }', '  quicker: { model: quick }', 'answer_timeout: 604801'),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "aliases.quicker: model 'quick' is not defined in models",
      'answer_timeout: expected whole seconds from 1 to 604800 (a week), got the number 604801',
    ]);
  });

  it('refuses agents named like a model or an alias', () => {
    const { errors } = validate(
      lines(
        ...BASE,
        'aliases:',
        '  quick: { model: opus }',
        'agents:',
        '  opus: { command: a }',
        '  quick: { command: b }',
      ),
    );
    expect(errors.map((e) => [e.position?.line, e.message])).toEqual([
      [9, "agents.opus: 'opus' is already a model id: give the agent a name of its own"],
      [10, "agents.quick: 'quick' is already an alias: give the agent a name of its own"],
    ]);
  });

  it('refuses a model_flag that is not a flag, and limits that are not positive integers', () => {
    const { errors } = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude: { command: claude -p, model_flag: "model" }',
        'models:',
        '  opus: { backend: claude }',
        'limits: { total: -1, claude: 2.5 }',
      ),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "backends.claude.model_flag: expected a flag like --model or -m, or none, got 'model'",
      'limits.total: expected a whole number of tasks at once, 1 or more, got the number -1',
      'limits.claude: expected a whole number of tasks at once, 1 or more, got the number 2.5',
    ]);
  });

  it("reads a backend's env: names its workers also get, or all; refuses what is not a variable name, naming the line", () => {
    const ok = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude: { command: claude -p, env: [AWS_PROFILE, AWS_REGION] }',
        '  codex: { command: codex exec, env: all }',
        'models:',
        '  opus: { backend: claude }',
        '  gpt: { backend: codex }',
      ),
    );
    expect(ok.errors).toEqual([]);
    expect(ok.value?.backends.claude?.env).toEqual(['AWS_PROFILE', 'AWS_REGION']);
    expect(ok.value?.backends.codex?.env).toBe('all');
    const bad = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude: { command: claude -p, env: "AWS_PROFILE" }',
        '  codex:',
        '    command: codex exec',
        '    env: [OK_NAME, "$(rm -rf ~)"]',
        'models:',
        '  opus: { backend: claude }',
      ),
    );
    expect(bad.errors.map((e) => [e.position?.line, e.message])).toEqual([
      [
        3,
        "backends.claude.env: expected a list of environment variable names (e.g. [AWS_PROFILE, AWS_REGION]), or all, got the string 'AWS_PROFILE'",
      ],
      [6, "backends.codex.env[1]: expected an environment variable name (letters, digits, _), got '$(rm -rf ~)'"],
    ]);
  });
});
