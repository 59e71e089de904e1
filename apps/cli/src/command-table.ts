import { JSON_OPTION, type CommandSpec, type Example } from './command-spec.js';

/**
 * Every command this build has. Adding one is an entry here plus `commands/<name>.ts` exporting
 * `run(ctx)`; the literal `import()` lets esbuild split each command into its own chunk.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'dispatch a task to a background worker and return at once',
    arguments: [{ syntax: '[prompt...]', description: 'what to do (required unless --step or --plan is given)' }],
    options: [
      { flags: '--model <model>', description: 'the model or alias (default: a directive in the prompt, else the config default)' },
      { flags: '--id <id>', description: 'the task id (default: derived from the prompt)' },
      { flags: '--step <text>', description: 'a plan item, in order (repeatable)', repeatable: true },
      { flags: '--plan <file>', description: 'the plan as a markdown checklist (- for stdin)' },
      { flags: '--answer-timeout <seconds>', description: 'how long a question waits for an answer (default 180)' },
      { flags: '--worktree', description: 'run the worker in a git worktree (not in this build yet)' },
      { flags: '--base <ref>', description: 'the worktree\'s base (not in this build yet)' },
      { flags: '--after <id>', description: 'start after another task completes (not in this build yet)', repeatable: true },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch run "use sonnet to review the auth module"', 'the model comes from the prompt'],
      ['dispatch "fix the flaky test in api/"', 'run is the default command'],
      ['dispatch run --model sim --step "Scan" --step "Write output.md" demo', 'the simulated worker needs no config'],
      ['dispatch run --plan plan.md --id api-tests --json', 'for scripts and host agents'],
    ],
    load: () => import('./commands/run.js').then((m) => ({ run: m.run })),
  },
  {
    name: 'help',
    summary: 'show the commands, or one command\'s arguments, options and examples',
    arguments: [{ syntax: '[command...]', description: 'the command (and subcommand) to explain' }],
    examples: [
      ['dispatch help', 'list every command'],
      ['dispatch help <command>', 'arguments, options and examples of one command'],
    ],
    load: () => import('./commands/help.js'),
  },
  {
    name: 'demo',
    summary: 'run one whole task for real with the simulated worker, in a fresh workspace',
    options: [
      JSON_OPTION,
      { flags: '--dir <path>', description: 'the workspace to use (default: a new temp folder)' },
      { flags: '--step <seconds>', description: 'how long the simulated worker spends per item (default 0.4)' },
      { flags: '--no-answer', description: 'leave the worker\'s question for you to answer by writing the answer file' },
    ],
    examples: [
      ['dispatch demo', 'watch a task go queued → running → awaiting-answer → completed'],
      ['dispatch demo --json', 'the outcome as one JSON line'],
    ],
    load: () => import('./commands/demo.js'),
  },
  {
    name: 'init',
    summary: 'first-run setup: find the worker CLIs and their models, write config.yaml',
    options: [
      { flags: '--default <model>', description: 'the default model (otherwise asked on a terminal)' },
      { flags: '--yes', description: 'accept the suggested default without asking' },
      { flags: '--force', description: 'replace an existing config' },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch init', 'detect claude, agent, codex, gemini, opencode; ask for the default'],
      ['dispatch init --default sonnet', 'no questions'],
      ['dispatch init --yes --json', 'for scripts'],
    ],
    load: () => import('./commands/init.js'),
  },
  {
    name: 'daemon',
    summary: 'the background daemon that hosts the tasks (started on demand)',
    examples: [['dispatch daemon status --json'], ['dispatch daemon stop']],
    subcommands: [
      {
        name: 'start',
        summary: 'start it detached, if it is not running',
        examples: [['dispatch daemon start']],
        load: () => import('./commands/daemon.js').then((m) => ({ run: m.start })),
      },
      {
        name: 'stop',
        summary: 'stop it; workers keep running and the next daemon follows them',
        examples: [['dispatch daemon stop']],
        load: () => import('./commands/daemon.js').then((m) => ({ run: m.stop })),
      },
      {
        name: 'status',
        summary: 'whether it runs, its pid and version',
        options: [JSON_OPTION],
        examples: [['dispatch daemon status --json', '{"running":true,"pid":4242,"version":"0.1.0"}']],
        load: () => import('./commands/daemon.js').then((m) => ({ run: m.status })),
      },
      {
        name: 'run',
        summary: 'be the daemon, in the foreground (what start launches)',
        examples: [['DISPATCH_DAEMON_IDLE_MS=5000 dispatch daemon run']],
        load: () => import('./commands/daemon.js').then((m) => ({ run: m.runForeground })),
      },
    ],
  },
  {
    name: 'config',
    summary: 'show or edit config.yaml (comments and layout are kept)',
    examples: [
      ['dispatch config show', 'default, models, aliases and backends'],
      ['dispatch config set-default sonnet', 'change the default model'],
      ['dispatch config add-model gpt-5.3-codex --backend codex', 'add a model'],
    ],
    subcommands: [
      {
        name: 'show',
        summary: 'print the config: default, models, aliases, backends',
        options: [JSON_OPTION],
        examples: [['dispatch config show'], ['dispatch config show --json', 'the validated config as JSON']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.show })),
      },
      {
        name: 'path',
        summary: 'print where config.yaml is ($DISPATCH_HOME/config.yaml)',
        options: [JSON_OPTION],
        examples: [['dispatch config path'], ['$EDITOR "$(dispatch config path)"', 'edit it by hand']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.path })),
      },
      {
        name: 'set-default',
        summary: 'make a configured model or alias the default',
        arguments: [{ syntax: '<model>', description: 'a model id or alias from the config' }],
        options: [JSON_OPTION],
        examples: [['dispatch config set-default opus']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.setDefaultCommand })),
      },
      {
        name: 'add-model',
        summary: 'add a model served by a configured backend',
        arguments: [{ syntax: '<model>', description: 'the model id, as its CLI names it' }],
        options: [{ flags: '--backend <name>', description: 'the backend that runs it', required: true }, JSON_OPTION],
        examples: [['dispatch config add-model sonnet-4.6 --backend claude'], ['dispatch config add-model gemini-3.1-pro --backend cursor']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.addModelCommand })),
      },
      {
        name: 'remove-model',
        summary: 'remove a model (refused while the default, an alias or fallback uses it)',
        arguments: [{ syntax: '<model>', description: 'the model id' }],
        options: [JSON_OPTION],
        examples: [['dispatch config remove-model gpt-5.3-codex']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.removeModelCommand })),
      },
      {
        name: 'alias',
        summary: 'name a model, optionally with a prompt to prepend',
        arguments: [{ syntax: '<name>', description: 'the alias' }],
        options: [
          { flags: '--model <model>', description: 'the model it stands for', required: true },
          { flags: '--prompt <text>', description: 'text prepended to the worker prompt' },
          JSON_OPTION,
        ],
        examples: [
          ['dispatch config alias quick --model sonnet'],
          ['dispatch config alias security-reviewer --model opus --prompt "You are a security reviewer."'],
        ],
        load: () => import('./commands/config.js').then((m) => ({ run: m.aliasCommand })),
      },
      {
        name: 'migrate',
        summary: 'rewrite an old-format config (agents) in the current schema, keeping a backup',
        options: [JSON_OPTION],
        examples: [['dispatch config migrate']],
        load: () => import('./commands/config.js').then((m) => ({ run: m.migrate })),
      },
    ],
  },
];

/** Examples shown under the root `--help`; list only commands this build has. */
export const ROOT_EXAMPLES: readonly Example[] = [
  ['dispatch "use sonnet to review the auth module"', 'dispatch a task; returns at once'],
  ['dispatch demo', 'a whole task with the simulated worker, start to finish'],
  ['dispatch help <command>', 'how to use one command'],
  ['dispatch --version', 'print the version'],
];
