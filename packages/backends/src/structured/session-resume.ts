/**
 * How a worker CLI resumes one of its own sessions by id, non-interactively, with a new prompt:
 * - by a flag: `claude -p … --resume <id> <prompt>`, `gemini … --resume <id> <prompt>` (gemini 0.61
 *   takes a full session id there, exactly, besides "latest" and an index, which are never used);
 * - by a subcommand of the configured command, after every option of it:
 *   `codex exec [options] resume <id> <prompt>` (codex 0.169 reads `exec`'s options given before
 *   `resume`, `--json` and `--model` included).
 * Either way the words go right before the prompt (see `buildWorkerCommand`).
 */
export type SessionResume = { via: 'flag'; flag: string } | { via: 'subcommand'; name: string };

const has = (words: readonly string[], ...any: string[]) => any.some((w) => words.includes(w));

/**
 * How a backend of this kind, run with this command, resumes a session; null when it cannot:
 * another CLI, or a command that keeps no session to resume (claude `--no-session-persistence`,
 * codex `--ephemeral`), is not `codex exec` (or already names a subcommand), or chose gemini's
 * output format (then dispatch may never learn the session id).
 * @example sessionResumeFor('codex', 'codex exec --sandbox workspace-write') // { via: 'subcommand', name: 'resume' }
 */
export function sessionResumeFor(kind: string, command: string): SessionResume | null {
  const words = command.trim().split(/\s+/);
  if (kind === 'claude') return has(words, '--no-session-persistence') ? null : { via: 'flag', flag: '--resume' };
  // Its session id is only in structured output: dispatch adds stream-json unless the command chose a format.
  if (kind === 'gemini')
    return words.some((w) => w === '-o' || w.startsWith('--output-format')) ? null : { via: 'flag', flag: '--resume' };
  if (kind === 'codex') {
    if (!words.includes('exec') || has(words, 'resume', 'fork', 'review', '--ephemeral')) return null;
    return { via: 'subcommand', name: 'resume' };
  }
  return null;
}

/**
 * The words that resume `sessionId`, to go right before the prompt.
 * @example sessionResumeArgs({ via: 'subcommand', name: 'resume' }, 't-1') // ['resume', 't-1']
 */
export function sessionResumeArgs(resume: SessionResume, sessionId: string): string[] {
  return resume.via === 'flag' ? [resume.flag, sessionId] : [resume.name, sessionId];
}

/**
 * What each CLI says when the session it was told to resume is gone (expired, deleted, another
 * machine). Recorded from the real CLIs: claude 2.1.197, codex 0.169, gemini 0.61 (two forms: no
 * session at all for the folder, or an unknown id).
 */
const SESSION_GONE = [
  /No conversation found with session ID/,
  /no rollout found for thread id/,
  /Error resuming session|Invalid session identifier/,
];

/**
 * True when a worker's output says the session it was to resume is gone. Claude's error result
 * still names the session: without this, every retry would try the same dead session again.
 * @example sessionGone('No conversation found with session ID: 1111…') // true
 */
export function sessionGone(output: string): boolean {
  return SESSION_GONE.some((re) => re.test(output));
}
