/** The variables every worker gets (the worker contract). */
export interface WorkerEnvInput {
  taskId: string;
  taskDir: string;
  ipcDir: string;
  planPath: string;
  dispatchDir: string;
  answerTimeoutSeconds: number;
  /** How to run this CLI (e.g. `/usr/bin/node /path/dispatch.js`), for `$DISPATCH_BIN ask`. */
  bin: string;
}

/** `base` (the environment of the `run` that created the task) plus the `DISPATCH_*` variables. */
export function workerEnv(base: NodeJS.ProcessEnv, input: WorkerEnvInput): NodeJS.ProcessEnv {
  return {
    ...base,
    DISPATCH_TASK_ID: input.taskId,
    DISPATCH_TASK_DIR: input.taskDir,
    DISPATCH_IPC_DIR: input.ipcDir,
    DISPATCH_PLAN: input.planPath,
    DISPATCH_DIR: input.dispatchDir,
    DISPATCH_ANSWER_TIMEOUT: String(input.answerTimeoutSeconds),
    DISPATCH_BIN: input.bin,
  };
}

/**
 * The variables every worker gets from the environment of the command that started its task
 * (DESIGN.md, "the worker's environment"): what a CLI needs to find itself, its config and the
 * network — not the rest of a shell's secrets. A backend's `env:` adds names (or `all`).
 */
export const ALLOWED_ENV_NAMES: ReadonlySet<string> = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'TZ',
  'TMPDIR',
  // Where CLIs keep their config and credentials when the user moved them.
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  // Proxies and certificate authorities (corporate networks).
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
  'CURL_CA_BUNDLE',
  'GIT_SSL_CAINFO',
  // Claude Code runs with its permission prompts off as root only where this says it is a sandbox.
  'IS_SANDBOX',
]);

/** Prefixes of the locale, the worker CLIs' own variables, and dispatch's. */
export const ALLOWED_ENV_PREFIXES: readonly string[] = [
  'LC_',
  'ANTHROPIC_',
  'CLAUDE_',
  'OPENAI_',
  'CODEX_',
  'GEMINI_',
  'GOOGLE_',
  'CURSOR_',
  'OPENCODE_',
  'DISPATCH_',
];

/** What the notify hook needs besides a worker's variables: the display and the session bus. */
export const NOTIFY_ENV_NAMES: readonly string[] = [
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'DBUS_SESSION_BUS_ADDRESS',
  'XDG_RUNTIME_DIR',
];

/**
 * `env` cut to the allow-list plus `extra` names; `all` keeps everything.
 * @example allowedEnv(process.env, ['AWS_PROFILE']) // PATH, HOME, ANTHROPIC_API_KEY, AWS_PROFILE, ...
 */
export function allowedEnv(env: NodeJS.ProcessEnv, extra: readonly string[] | 'all'): NodeJS.ProcessEnv {
  if (extra === 'all') return { ...env };
  const names = new Set(extra);
  const kept: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ALLOWED_ENV_NAMES.has(name) || names.has(name) || ALLOWED_ENV_PREFIXES.some((p) => name.startsWith(p)))
      kept[name] = value;
  }
  return kept;
}
