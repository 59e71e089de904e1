import { findSessionId, sessionGone, type SessionResume, sessionResumeArgs } from '@dispatch/backends';
import { readAttemptClaim, readAttemptLogHead, readAttemptLogTail, type TaskPaths } from '@dispatch/ipc-fs';
import type { StartReason } from '@dispatch/core';

const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * The session attempt N's CLI reported: named at the start of its output, else the latest named
 * near its end; null when it said that session is gone (the next attempt starts cold).
 */
async function attemptSession(paths: TaskPaths, attempt: number): Promise<string | null> {
  const tail = await readAttemptLogTail(paths, attempt, 1024 * 1024);
  if (sessionGone(tail)) return null;
  return findSessionId(await readAttemptLogHead(paths, attempt), 'start') ?? findSessionId(tail, 'end');
}

/**
 * True when attempt N ended because the session it resumed is gone: retried cold at once. Only
 * an attempt that could have resumed (the one before named a live session) counts, so a cold
 * attempt whose output happens to hold such words never starts another.
 */
export async function resumedSessionGone(paths: TaskPaths, attempt: number): Promise<boolean> {
  if (attempt <= 1 || !sessionGone(await readAttemptLogTail(paths, attempt, 64 * 1024))) return false;
  return (await attemptSession(paths, attempt - 1)) !== null;
}

/**
 * The words that resume the previous attempt's own session, so a continued or retried worker
 * keeps its context (its reading, its reasoning) instead of starting cold from the plan: only when
 * the previous attempt ran the same model on the same backend, the backend's CLI can resume by id
 * (`resume`: claude `--resume <id>`, `codex exec … resume <id>`), and its structured output named
 * the session (claude's stream-json, codex's `exec --json`). [] otherwise — the worker then goes
 * on from plan.md and context.md. This is the one place that decides.
 */
export async function resumeArgs(
  paths: TaskPaths,
  attempt: number,
  reason: StartReason,
  backend: string,
  model: string,
  resume: SessionResume | null | undefined,
): Promise<string[]> {
  if (!resume || attempt <= 1 || reason === 'first') return [];
  const previous = await readAttemptClaim(paths.attempts, attempt - 1).catch(() => null);
  if (!previous || previous.backend !== backend || previous.model !== model) return [];
  const sessionId = await attemptSession(paths, attempt - 1);
  return sessionId !== null && SESSION_ID.test(sessionId) ? sessionResumeArgs(resume, sessionId) : [];
}
