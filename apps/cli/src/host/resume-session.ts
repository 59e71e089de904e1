import { summarizeWorkerOutput } from '@dispatch/backends/structured/worker-summary';
import { readAttemptClaim } from '@dispatch/ipc-fs/attempts';
import type { TaskPaths } from '@dispatch/ipc-fs/paths';
import type { StartReason } from '@dispatch/core/types';
import { readAttemptLogTail } from './attempt-log.js';

/** Backends whose CLI resumes a session by id, and the flags that do it. */
const RESUME_FLAGS: Record<string, (session: string) => string[]> = {
  claude: (session) => ['--resume', session],
};

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * The flags that resume the previous attempt's own session, so a continued or retried worker
 * keeps its context (its reading, its reasoning) instead of starting cold from the plan: only when
 * the previous attempt ran the same model on the same backend, and its CLI reported a session id
 * (Claude Code's stream-json). [] otherwise — the worker then goes on from plan.md and context.md.
 */
export async function resumeArgs(paths: TaskPaths, attempt: number, reason: StartReason, backend: string, model: string): Promise<string[]> {
  const flags = RESUME_FLAGS[backend];
  if (!flags || attempt <= 1 || reason === 'first') return [];
  const previous = await readAttemptClaim(paths.attempts, attempt - 1).catch(() => null);
  if (!previous || previous.backend !== backend || previous.model !== model) return [];
  const { sessionId } = summarizeWorkerOutput(await readAttemptLogTail(paths, attempt - 1, 1024 * 1024));
  return sessionId !== null && SESSION_ID.test(sessionId) ? flags(sessionId) : [];
}
