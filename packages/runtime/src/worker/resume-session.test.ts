import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markAttemptLogStart, taskPaths } from '@dispatch/ipc-fs';
import { resumeArgs, resumedSessionGone } from './resume-session.js';

const CODEX = { via: 'subcommand', name: 'resume' } as const;

/** A task whose attempt 1 ran `model` on `backend` and printed `output`. */
async function afterOneAttempt(output: string, backend = 'codex', model = 'gpt-5.3-codex') {
  const paths = taskPaths(mkdtempSync(join(tmpdir(), 'dispatch-resume-')), 'resumed');
  mkdirSync(paths.attempts, { recursive: true });
  writeFileSync(
    join(paths.attempts, '1.json'),
    JSON.stringify({ attempt: 1, model, backend, claimedAt: '2026-11-24T08:00:00.000Z' }),
  );
  await markAttemptLogStart(paths, 1);
  writeFileSync(paths.workerLog, output);
  return paths;
}

const thread = (id: string) => `{"type":"thread.started","thread_id":"${id}"}\n`;

describe('resumeArgs', () => {
  it("resumes the previous attempt's codex thread on continue and retry, with the same model and backend", async () => {
    const paths = await afterOneAttempt(`${thread('th-1')}{"type":"turn.started"}\n`);
    expect(await resumeArgs(paths, 2, 'continue', 'codex', 'gpt-5.3-codex', CODEX)).toEqual(['resume', 'th-1']);
    expect(await resumeArgs(paths, 2, 'retry', 'codex', 'gpt-5.3-codex', CODEX)).toEqual(['resume', 'th-1']);
    expect(
      await resumeArgs(paths, 2, 'continue', 'claude', 'gpt-5.3-codex', { via: 'flag', flag: '--resume' }),
    ).toEqual([]); // another backend
    expect(await resumeArgs(paths, 2, 'continue', 'codex', 'o3', CODEX)).toEqual([]); // another model
    expect(await resumeArgs(paths, 2, 'continue', 'codex', 'gpt-5.3-codex', null)).toEqual([]); // a CLI that cannot
    expect(await resumeArgs(paths, 1, 'first', 'codex', 'gpt-5.3-codex', CODEX)).toEqual([]);
  });

  it("finds the thread at the start of a long attempt's output, and never takes an earlier attempt's", async () => {
    const paths = await afterOneAttempt(`${thread('th-long')}${'{"type":"turn.started"}\n'.repeat(80_000)}`); // ~1.9 MB
    expect(await resumeArgs(paths, 2, 'continue', 'codex', 'gpt-5.3-codex', CODEX)).toEqual(['resume', 'th-long']);
    // Attempt 2 reported no thread (its resume failed at once): attempt 3 starts afresh.
    writeFileSync(
      join(paths.attempts, '2.json'),
      JSON.stringify({ attempt: 2, model: 'gpt-5.3-codex', backend: 'codex', claimedAt: '2026-11-24T08:01:00.000Z' }),
    );
    await markAttemptLogStart(paths, 2);
    appendFileSync(paths.workerLog, 'Error: thread/resume failed: no rollout found for thread id th-long\n');
    expect(await resumeArgs(paths, 3, 'retry', 'codex', 'gpt-5.3-codex', CODEX)).toEqual([]);
  });

  it('refuses a session id that is not a plain word', async () => {
    const paths = await afterOneAttempt(thread('-rf'));
    expect(await resumeArgs(paths, 2, 'continue', 'codex', 'gpt-5.3-codex', CODEX)).toEqual([]);
  });

  it('never resumes a session claude said is gone, though its error result still names it', async () => {
    const init = '{"type":"system","subtype":"init","session_id":"s-1"}\n';
    const paths = await afterOneAttempt(init, 'claude', 'sonnet');
    const CLAUDE = { via: 'flag', flag: '--resume' } as const;
    expect(await resumeArgs(paths, 2, 'continue', 'claude', 'sonnet', CLAUDE)).toEqual(['--resume', 's-1']);
    writeFileSync(
      join(paths.attempts, '2.json'),
      JSON.stringify({ attempt: 2, model: 'sonnet', backend: 'claude', claimedAt: '2026-11-24T08:01:00.000Z' }),
    );
    await markAttemptLogStart(paths, 2);
    appendFileSync(
      paths.workerLog,
      'No conversation found with session ID: s-1\n{"type":"result","is_error":true,"num_turns":0,"session_id":"s-1"}\n',
    );
    expect(await resumedSessionGone(paths, 2)).toBe(true);
    expect(await resumeArgs(paths, 3, 'continue', 'claude', 'sonnet', CLAUDE)).toEqual([]);
    // Attempt 3 ran cold; words like those in its own output start nothing more.
    writeFileSync(
      join(paths.attempts, '3.json'),
      JSON.stringify({ attempt: 3, model: 'sonnet', backend: 'claude', claimedAt: '2026-11-24T08:02:00.000Z' }),
    );
    await markAttemptLogStart(paths, 3);
    appendFileSync(paths.workerLog, `${init.replace('s-1', 's-2')}grep found: No conversation found with session ID\n`);
    expect(await resumedSessionGone(paths, 3)).toBe(false);
    expect(await resumedSessionGone(paths, 1)).toBe(false);
  });
});
