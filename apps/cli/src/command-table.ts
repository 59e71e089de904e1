import { JSON_OPTION, type CommandSpec, type Example } from './command-spec.js';

/**
 * Every command this build has. Adding one is an entry here plus `commands/<name>.ts` exporting
 * `run(ctx)`; the literal `import()` keeps a command's module uninitialised until it runs (and lets the
 * core bundle leave out the full bundle's, see src/launch/).
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'run',
    summary: 'dispatch a task to a background worker and return at once',
    arguments: [{ syntax: '[prompt...]', description: 'what to do (required unless --step or --plan is given)' }],
    options: [
      {
        flags: '--model <model>',
        description: 'the model or alias (default: a directive in the prompt, else the config default)',
      },
      { flags: '--id <id>', description: 'the task id (default: derived from the prompt)' },
      { flags: '--step <text>', description: 'a plan item, in order (repeatable)', repeatable: true },
      { flags: '--plan <file>', description: 'the plan as a markdown checklist (- for stdin)' },
      { flags: '--answer-timeout <seconds>', description: 'how long a question waits for an answer (default 180)' },
      {
        flags: '--budget-usd <amount>',
        description:
          "what one worker run may spend, where the CLI enforces it (claude; default: the config's budget_usd)",
      },
      {
        flags: '--time-limit <seconds>',
        description: "stop a worker attempt that runs longer (default: the config's time_limit, else 3 h)",
      },
      {
        flags: '--on-limit <pause|fail>',
        description:
          'pause (default): wait out a quota until it resets, block on a budget or time limit (continue raises it); fail: fail the task',
      },
      {
        flags: '--wait',
        description: 'stay until the task completes, blocks or fails, asking its questions on the terminal',
      },
      {
        flags: '--worktree',
        description:
          'run the worker in a git worktree on a new branch dispatch/<id> (also: "in a worktree" in the prompt)',
      },
      { flags: '--base <ref>', description: "the worktree's base (default HEAD)" },
      {
        flags: '--after <id>',
        description: 'start once this task has completed (repeatable); queued until then',
        repeatable: true,
      },
      {
        flags: '--executor <name>',
        description: "where the worker runs: local, or a name in the config's executors (default: the backend's)",
      },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch run "use sonnet to review the auth module"', 'the model comes from the prompt'],
      ['dispatch "fix the flaky test in api/"', 'run is the default command'],
      ['dispatch run --model sim --step "Scan" --step "Write output.md" demo', 'the simulated worker needs no config'],
      ['dispatch run --plan plan.md --id api-tests --json', 'for scripts and host agents'],
      ['dispatch run --executor hpc "run the full benchmark suite"', "a Slurm job (the config's executors.hpc)"],
    ],
    load: () => import('./commands/run.js').then((m) => ({ run: m.run })),
  },
  {
    name: 'status',
    summary: 'every task of the workspace (or one in detail): state, progress, what needs you',
    arguments: [{ syntax: '[id]', description: 'one task in detail (default: the table of every task)' }],
    options: [
      JSON_OPTION,
      { flags: '--watch', description: 'redraw whenever a task changes (Ctrl-C to stop)' },
      { flags: '--all', description: 'on a terminal, list finished tasks too instead of one "+N completed" line' },
    ],
    examples: [
      ['dispatch status', 'a table that fits the terminal: what needs you comes first'],
      ['dispatch status security-review', 'one task: plan, question, attempts, worktree, cost'],
      ['dispatch status security-review --json', 'one task as JSON'],
      ['dispatch status --watch', 'live, on the alternate screen'],
    ],
    load: () => import('./commands/status.js'),
  },
  {
    name: 'wait',
    summary: 'wait for the first question, block, failure, completion or cancellation, and report it',
    arguments: [{ syntax: '[ids...]', description: 'the tasks to watch (default: every unfinished task)' }],
    options: [
      JSON_OPTION,
      { flags: '--timeout <seconds>', description: 'give up after this long (exit 124)' },
      {
        flags: '--exit-status',
        description: 'exit 0 only for a completion: 1 failed or cancelled, 3 a question or block (needs an answer)',
      },
    ],
    examples: [
      ['dispatch wait', 'security-review asks #1: JWT or sessions?'],
      ['dispatch wait security-review --json --timeout 600', 'one JSON line (docs/events.md); exit 124 on timeout'],
      ['dispatch wait api-tests --exit-status && dispatch merge api-tests', 'merge only what completed'],
    ],
    load: () => import('./commands/wait.js'),
  },
  {
    name: 'logs',
    summary: "the worker's output (worker.log)",
    arguments: [{ syntax: '<id>', description: 'the task' }],
    options: [
      { flags: '-f, --follow', description: 'keep printing until the worker is done (or Ctrl-C)' },
      {
        flags: '--raw',
        description:
          'the log as written, control characters included (otherwise structured CLI output is shown as what the worker did, and control characters escaped)',
      },
    ],
    examples: [
      ['dispatch logs security-review'],
      ['dispatch logs security-review -f', 'follow it live'],
      ['dispatch logs api-tests --raw', "Claude Code's stream-json as it came"],
    ],
    load: () => import('./commands/logs.js'),
  },
  {
    name: 'result',
    summary: "the task's outcome: output.md, or a summary of the plan",
    arguments: [{ syntax: '<id>', description: 'the task' }],
    options: [
      JSON_OPTION,
      {
        flags: '--raw',
        description: 'print output.md exactly as written (control characters are shown escaped otherwise)',
      },
    ],
    examples: [
      ['dispatch result security-review'],
      ['dispatch result security-review --json', '{id, state, progress, output, text, items, error}'],
    ],
    load: () => import('./commands/result.js'),
  },
  {
    name: 'answer',
    summary: "answer a task's oldest pending question; a blocked task is continued with the answer",
    arguments: [
      { syntax: '<id>', description: 'the task' },
      { syntax: '[text...]', description: 'the answer (- or nothing with piped stdin: read it from stdin)' },
    ],
    options: [
      {
        flags: '--question <n>',
        description: 'answer only if question N is the one waiting (the seq wait --json gave)',
      },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch answer auth-review "Use JWT, not sessions"'],
      ['git diff | dispatch answer auth-review -', 'the answer from stdin'],
      ['dispatch answer auth-review --question 2 "Postgres"', 'refused if #2 is not the question waiting'],
    ],
    load: () => import('./commands/answer.js'),
  },
  {
    name: 'continue',
    summary: 're-dispatch a blocked task from its [?] item (with the answer) or from the limit it reached',
    arguments: [
      { syntax: '<id>', description: 'the blocked task (or one waiting for its quota: now, not at the reset)' },
    ],
    options: [
      { flags: '--answer <text>', description: 'the answer to the blocked item (required when it is blocked on one)' },
      { flags: '--model <model>', description: 'continue with another model or alias' },
      { flags: '--time-limit <seconds>', description: 'raise the time limit the task stopped at (per attempt)' },
      { flags: '--budget-usd <amount>', description: 'raise the budget the task stopped at (per worker run, claude)' },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch continue auth-review --answer "Use JWT"'],
      ['dispatch continue auth-review --answer "Use JWT" --model sonnet', 'with another model'],
      ['dispatch continue auth-review --budget-usd 10', 'blocked on its budget: resume the session with $10'],
      ['dispatch continue auth-review --time-limit 7200', 'blocked on its time limit: two more hours'],
    ],
    load: () => import('./commands/requests.js').then((m) => ({ run: m.continueCommand })),
  },
  {
    name: 'note',
    summary: "append a dispatcher note to a task's plan, for its worker to read",
    arguments: [
      { syntax: '<id>', description: 'the task' },
      { syntax: '<text...>', description: 'the note' },
    ],
    options: [JSON_OPTION],
    examples: [['dispatch note auth-review "the staging database is down; skip the integration tests"']],
    load: () => import('./commands/requests.js').then((m) => ({ run: m.note })),
  },
  {
    name: 'retry',
    summary: 're-run a failed task from its first open item, with the same or another model',
    arguments: [{ syntax: '<id>', description: 'the failed task' }],
    options: [
      { flags: '--model <model>', description: 'retry with another model or alias' },
      { flags: '--set-default', description: 'also make that model the default in the config' },
      { flags: '--remove-failed', description: 'also remove the failed model from the config (comments are kept)' },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch retry auth-review', 'on a terminal: choose among the models that can run'],
      ['dispatch retry auth-review --model sonnet', 'with another model'],
      ['dispatch retry api-tests --model opus --set-default --remove-failed', 'and repair the config'],
    ],
    load: () => import('./commands/retry.js').then((m) => ({ run: m.retry })),
  },
  {
    name: 'inbox',
    summary: 'everything that needs you: questions (with the time left), blocked tasks, failures and what to do',
    options: [JSON_OPTION],
    examples: [
      [
        'dispatch inbox',
        '? security-review asks #1 (2m 10s left): JWT or sessions? — dispatch answer security-review "…"',
      ],
      ['dispatch inbox --json'],
    ],
    load: () => import('./commands/inbox.js'),
  },
  {
    name: 'doctor',
    summary: 'check the setup: worker CLIs and versions, config, models, daemon, file watching',
    options: [JSON_OPTION],
    examples: [['dispatch doctor', 'exit 1 when something needs fixing'], ['dispatch doctor --json']],
    load: () => import('./commands/doctor.js'),
  },
  {
    name: 'cancel',
    summary: "cancel a task: its worker's whole process group is stopped",
    arguments: [{ syntax: '<id>', description: 'the task' }],
    options: [JSON_OPTION],
    examples: [
      ['dispatch cancel auth-review'],
      ['dispatch cancel auth-review --json', '{"id":"auth-review","state":"cancelled"}'],
    ],
    load: () => import('./commands/requests.js').then((m) => ({ run: m.cancel })),
  },
  {
    name: 'inspect',
    summary: 'open the inspector: every task live in the browser, its state machine, and actions',
    options: [
      { flags: '--port <port>', description: 'the port (default: the last one used; 0 picks a free one)' },
      { flags: '--no-open', description: 'do not open a browser (the URL is the first line on stdout)' },
    ],
    examples: [
      ['dispatch inspect', 'prints the URL with its token and opens it'],
      ['dispatch inspect --port 0 --no-open', 'any free port; for scripts: read the first line'],
    ],
    load: () => import('./commands/inspect.js'),
  },
  {
    name: 'ask',
    summary: 'for workers: ask the user a question and print the answer (exit 3 with its number if none in time)',
    arguments: [{ syntax: '[question...]', description: 'the question' }],
    options: [
      { flags: '--wait <n>', description: 'resume waiting for the answer to question N' },
      { flags: '--timeout <seconds>', description: 'how long to wait (default $DISPATCH_ANSWER_TIMEOUT, else 180)' },
    ],
    examples: [
      [
        'dispatch ask "JWT or sessions?" --timeout 100',
        "prints the answer; exit 3 prints the question's number N instead",
      ],
      ['dispatch ask --wait 1 --timeout 100', 'resume waiting for question 1'],
    ],
    load: () => import('./commands/ask.js'),
  },
  {
    name: 'clean',
    summary: "remove finished tasks' folders and registrations (never a live task, nor unmerged worktree work)",
    arguments: [{ syntax: '[id]', description: 'the one task to remove' }],
    options: [
      { flags: '--finished', description: 'every completed or cancelled task (the default)' },
      { flags: '--all', description: 'every task that is not live (blocked and failed ones too)' },
      {
        flags: '--force',
        description: 'with an ID: remove it even when its worktree holds unmerged commits or uncommitted changes',
      },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch clean --finished', 'completed and cancelled tasks; a worktree task goes with its worktree and branch'],
      ['dispatch clean auth-review', 'one task'],
      ['dispatch clean --all', 'everything but live tasks and worktrees with work not merged'],
      ['dispatch clean parser-refactor --force', 'throw its unmerged work away (prints the commit to recover it)'],
      ['dispatch clean --json', '{"removed":["auth-review"],"kept":[{"id":"parser-refactor","why":"..."}]}'],
    ],
    load: () => import('./commands/clean.js'),
  },
  {
    name: 'completion',
    summary: 'print the completion script for bash, zsh or fish (install: see --help)',
    arguments: [{ syntax: '<shell>', description: 'bash, zsh or fish' }],
    examples: [
      ['dispatch completion bash > ~/.local/share/bash-completion/completions/dispatch', 'bash: then open a new shell'],
      ['eval "$(dispatch completion bash)"', 'or this in ~/.bashrc'],
      ['dispatch completion zsh > ~/.zfunc/_dispatch', 'zsh, with fpath+=(~/.zfunc) before compinit in ~/.zshrc'],
      ['dispatch completion fish > ~/.config/fish/completions/dispatch.fish', 'fish'],
    ],
    load: () => import('./commands/completion.js'),
  },
  {
    name: 'help',
    summary: "show the commands, or one command's arguments, options and examples",
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
      { flags: '--no-answer', description: "leave the worker's question for you to answer by writing the answer file" },
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
    name: 'diff',
    summary: "a worktree task's change against its base (new files included)",
    arguments: [{ syntax: '<id>', description: 'a task run with --worktree' }],
    options: [
      { flags: '--stat', description: 'only the files changed and how much' },
      { flags: '--no-pager', description: "print on the terminal instead of through git's pager" },
    ],
    examples: [
      ['dispatch diff parser-refactor', "coloured and paged on a terminal, as git's config says; plain when piped"],
      ['dispatch diff parser-refactor --stat'],
      ['dispatch diff parser-refactor | less', 'no colour in a pipe; NO_COLOR turns it off on a terminal'],
    ],
    load: () => import('./commands/worktree.js').then((m) => ({ run: m.diff })),
  },
  {
    name: 'merge',
    summary:
      "merge a completed worktree task's branch into the current branch (refused, untouched, on a conflict; says when there is nothing to merge)",
    arguments: [{ syntax: '<id>', description: 'a completed task run with --worktree' }],
    options: [JSON_OPTION],
    examples: [
      ['dispatch merge parser-refactor'],
      [
        'dispatch merge parser-refactor --json',
        '{"id":"parser-refactor","state":"completed","branch":"dispatch/parser-refactor","result":"merged","head":"<sha>"} (result: merged, no-changes or already-merged)',
      ],
      [
        'dispatch run --model sim --worktree --step "add notes {write: notes.md}{commit}" try-it && dispatch merge try-it',
        'try worktrees with the simulated worker',
      ],
    ],
    load: () => import('./commands/worktree.js').then((m) => ({ run: m.merge })),
  },
  {
    name: 'discard',
    summary: "remove a worktree task's worktree and branch (refused while they hold work not merged)",
    arguments: [{ syntax: '<id>', description: 'a task run with --worktree' }],
    options: [
      {
        flags: '--force',
        description: 'throw away unmerged commits and uncommitted changes too (prints the commit that holds them)',
      },
      JSON_OPTION,
    ],
    examples: [
      ['dispatch discard parser-refactor', 'after a merge, or for a task that changed nothing'],
      [
        'dispatch discard parser-refactor --force',
        'prints "(was <sha>)": git branch parser-refactor <sha> recovers it',
      ],
      [
        'dispatch discard parser-refactor --json',
        '{"id":"parser-refactor","state":"completed","branch":"...","was":"<sha>"}',
      ],
    ],
    load: () => import('./commands/worktree.js').then((m) => ({ run: m.discard })),
  },
  {
    name: 'skill',
    summary: 'the skill that teaches a host agent (Claude Code, Codex) to use dispatch',
    examples: [
      ['dispatch skill install', 'for every project of yours'],
      ['dispatch skill install --project', 'in this repository, to commit'],
    ],
    subcommands: [
      {
        name: 'install',
        summary: 'write SKILL.md where Claude Code (.claude/skills) and Codex (.agents/skills) find it',
        options: [{ flags: '--project', description: 'in this repository instead of your home folder' }, JSON_OPTION],
        examples: [['dispatch skill install'], ['dispatch skill install --project --json']],
        load: () => import('./commands/skill.js').then((m) => ({ run: m.install })),
      },
      {
        name: 'show',
        summary: 'print SKILL.md',
        examples: [['dispatch skill show']],
        load: () => import('./commands/skill.js').then((m) => ({ run: m.show })),
      },
    ],
  },
  {
    name: 'mcp',
    summary:
      'an MCP server on stdio for host agents (Claude Code, Codex, Gemini CLI, Cursor, an IDE), and its installer',
    examples: [
      ['dispatch mcp', 'serve on stdio: tools run, status, wait, answer, continue, retry, cancel, note, result'],
      ['dispatch mcp install', 'register it with every host CLI on PATH, for you'],
      ['dispatch mcp install --project --claude', 'in .mcp.json of this repository, to commit'],
    ],
    load: () => import('./commands/mcp.js').then((m) => ({ run: m.serve })),
    subcommands: [
      {
        name: 'install',
        summary: 'register `dispatch mcp` with Claude Code, Codex and Gemini CLI (those on PATH, or the ones named)',
        options: [
          { flags: '--claude', description: 'Claude Code: ~/.claude.json (with --project: .mcp.json)' },
          { flags: '--codex', description: 'Codex: ~/.codex/config.toml (with --project: .codex/config.toml)' },
          {
            flags: '--gemini',
            description: 'Gemini CLI: ~/.gemini/settings.json (with --project: .gemini/settings.json)',
          },
          { flags: '--project', description: 'for this repository (at its git top level) instead of for you' },
          JSON_OPTION,
        ],
        examples: [
          ['dispatch mcp install', 'every host CLI on PATH; run again after moving dispatch or node'],
          ['dispatch mcp install --codex --json', '[{"host":"codex","scope":"user","file":"...","action":"added"}]'],
        ],
        load: () => import('./mcp/install/command.js'),
      },
    ],
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
        examples: [
          ['dispatch daemon run', 'in the foreground; DISPATCH_DAEMON_IDLE_MS sets the idle exit (default 60 s)'],
        ],
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
      [
        'dispatch config add-backend aider --command "aider --yes-always --message" --model gpt-5',
        'any command that takes a prompt',
      ],
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
        examples: [
          ['dispatch config add-model sonnet-4.6 --backend claude'],
          ['dispatch config add-model gemini-3.1-pro --backend cursor'],
        ],
        load: () => import('./commands/config.js').then((m) => ({ run: m.addModelCommand })),
      },
      {
        name: 'add-backend',
        summary: 'add a backend: a worker CLI, or any command that takes the prompt as its last argument',
        arguments: [{ syntax: '<name>', description: 'its name (claude, codex, cursor, gemini, opencode: that CLI)' }],
        options: [
          {
            flags: '--command <command>',
            description: 'the shell command that runs it; the prompt is appended',
            required: true,
          },
          {
            flags: '--model-flag <flag>',
            description: 'how the model is passed: --model, -m, or none (default: none for a generic command)',
          },
          {
            flags: '--env <name>',
            description: 'an environment variable its workers also get (repeatable; all: every one)',
            repeatable: true,
          },
          { flags: '--model <model>', description: 'a model it serves, added with it (repeatable)', repeatable: true },
          JSON_OPTION,
        ],
        examples: [
          [
            'dispatch config add-backend aider --command "aider --yes-always --message" --model-flag --model --model gpt-5',
          ],
          [
            'dispatch config add-backend review --command "./scripts/review.sh" --model-flag none --model review',
            'your own script',
          ],
          [
            'dispatch config add-backend llm --command "llm prompt" --model-flag -m --model gpt-4o-mini --env LLM_USER_PATH',
          ],
        ],
        load: () => import('./commands/config.js').then((m) => ({ run: m.addBackendCommand })),
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
  ['dispatch -C ~/api inbox', 'as if started in ~/api (before the command or a prompt)'],
  ['dispatch help <command>', 'how to use one command'],
  ['dispatch --version', 'print the version'],
];
