/** What kind of worker CLI a backend is: its key in `backends`, or a generic command. */
export type BackendKind = 'claude' | 'codex' | 'cursor' | 'gemini' | 'opencode' | 'command';

/** The backend kinds dispatch knows by name; any other key in `backends` is a generic command. */
export const KNOWN_BACKENDS: readonly Exclude<BackendKind, 'command'>[] = [
  'claude',
  'codex',
  'cursor',
  'gemini',
  'opencode',
];

/** A position in config.yaml (1-based), for messages that name the line at fault. */
export interface SourcePosition {
  line: number;
  col: number;
}

/** `backends.<name>`: how to run one worker CLI. */
export interface BackendConfig {
  name: string;
  kind: BackendKind;
  /** The shell command, trimmed (a folded `>` scalar's trailing newline removed). */
  command: string;
  /** How the model is passed (`--model`, `-m`); null for `none`; undefined for the kind's default. */
  modelFlag: string | null | undefined;
  /**
   * `env`: environment variable names its workers get besides the default allow-list, or `all`
   * (every variable of the command that started the task, as before the allow-list).
   */
  env: readonly string[] | 'all';
  /** `executor`: the executor its workers run on (a name in `executors`); undefined: `local`. */
  executor: string | undefined;
}

/** Where workers run: processes on this machine, or jobs of a cluster engine. */
export type ExecutorKind = 'local' | 'slurm';

/** The executor kinds dispatch can run workers on. */
export const EXECUTOR_KINDS: readonly ExecutorKind[] = ['local', 'slurm'];

/** The executor every config has, whether or not `executors` names it: this machine. */
export const LOCAL_EXECUTOR = 'local';

/** `executors.<name>`: where workers can run (DESIGN.md's "Executors (Contract)"). */
export interface ExecutorConfig {
  name: string;
  kind: ExecutorKind;
  /** slurm: extra `sbatch` arguments, one argv word each (`--partition=gpu`, `--time=4:00:00`); [] otherwise. */
  sbatch: readonly string[];
  /**
   * `scan_interval`: seconds between the daemon's looks at this executor's workers (their files and
   * the engine's view); undefined for the kind's default (slurm: 5 s; local: the daemon's own scan).
   */
  scanInterval: number | undefined;
}

/** `models.<id>`: a model and the backend that runs it. */
export interface ModelConfig {
  id: string;
  backend: string;
}

/** `aliases.<name>`: a name for a model, with a prompt to prepend; old-format agents carry a command. */
export interface AliasConfig {
  name: string;
  model: string | undefined;
  prompt: string | undefined;
  /** Old format (`agents.<name>.command`): the alias runs this command itself. */
  command: string | undefined;
}

/** dispatch's own optional keys. */
export interface Limits {
  total?: number;
  /** Per backend name. */
  backends: Record<string, number>;
  /** Per executor name (`limits: { hpc: 50 }`): workers running or submitted there at once. */
  executors: Record<string, number>;
}

/** config.yaml, validated and normalized. */
export interface DispatchConfig {
  /** The file it was read from. */
  path: string;
  format: 'current' | 'old';
  default: string;
  backends: Record<string, BackendConfig>;
  models: Record<string, ModelConfig>;
  /** `executors`, always holding `local` (a config may name it only to set its options). */
  executors: Record<string, ExecutorConfig>;
  aliases: Record<string, AliasConfig>;
  /** Seconds; `run --answer-timeout` overrides. */
  answerTimeout: number | undefined;
  limits: Limits | undefined;
  fallback: string[];
  notify: string | undefined;
  /** Seconds a model rests after a quota failure whose CLI named no reset time (`quota_cooldown`). */
  quotaCooldown: number;
  /** Seconds one worker attempt may run before it is stopped as `timeout` (`time_limit`, default 3 h). */
  timeLimit: number;
  /** A shell command run in a task's new worktree before its worker starts (`worktree_setup`). */
  worktreeSetup: string | undefined;
  /** US dollars one worker run may spend, where the CLI can enforce it (`budget_usd`; claude's --max-budget-usd). */
  budgetUsd: number | undefined;
}

/** One problem found in a config: where, and what to do about it. */
export interface ConfigIssue {
  message: string;
  /** Dotted path of the key at fault (`models.gpt-5.backend`). */
  key?: string;
  position?: SourcePosition;
}
