import { type CommandResolution, describeMissing, resolveCommand } from '@dispatch/backends';
import type { BackendConfig, DispatchConfig, Resolution } from '@dispatch/config';

/**
 * Whether a backend's workers run on this machine, where its CLI can be looked for. Every one
 * does until executors exist (issue 17): a backend sent to a cluster's nodes will answer false
 * here, and nothing this machine's PATH says about its CLI counts.
 */
export type RunsHere = (backend: BackendConfig) => boolean;

export const everyBackendRunsHere: RunsHere = () => true;

/**
 * What the shell will find for a backend's command with the caller's environment from `cwd` —
 * the one check `run`, `doctor` and the recovery menus share — or null when its workers run
 * elsewhere (their CLI is not this machine's business).
 */
export function backendCli(
  backend: BackendConfig,
  env: NodeJS.ProcessEnv,
  cwd: string,
  runsHere: RunsHere = everyBackendRunsHere,
): CommandResolution | null {
  return runsHere(backend) ? resolveCommand(backend.command, env, cwd) : null;
}

/** Whether a backend's CLI is certainly not there (unknown shapes and remote workers run). */
export function backendMissing(
  backend: BackendConfig,
  env: NodeJS.ProcessEnv,
  cwd: string,
  runsHere: RunsHere = everyBackendRunsHere,
): boolean {
  return backendCli(backend, env, cwd, runsHere)?.status === 'missing';
}

/**
 * Why a resolved model certainly cannot run here — `the model gpt-5.3-codex cannot run: codex is
 * not installed (not on PATH=…)` — or null: it can, it may (a shape the check does not read), it
 * runs elsewhere, or a `fallback` model that can run would take over (the daemon falls back on
 * `cli-missing` by itself).
 */
export function cannotRun(
  config: DispatchConfig | null,
  resolution: Resolution,
  env: NodeJS.ProcessEnv,
  cwd: string,
  runsHere: RunsHere = everyBackendRunsHere,
): string | null {
  if (config === null || resolution.via === 'builtin') return null;
  const { backend } = resolution;
  // An old-format alias carries its own command, run here.
  const found =
    backend !== null
      ? backendCli(backend, env, cwd, runsHere)
      : resolution.command !== null
        ? resolveCommand(resolution.command, env, cwd)
        : null;
  if (found?.status !== 'missing') return null;
  const fallback = config.fallback.some((m) => {
    const other = config.backends[config.models[m]?.backend ?? ''];
    return m !== resolution.model && other !== undefined && !backendMissing(other, env, cwd, runsHere);
  });
  return fallback ? null : `the model ${resolution.model} cannot run: ${describeMissing(found)}`;
}
