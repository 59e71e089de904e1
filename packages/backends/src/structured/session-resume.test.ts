import { describe, expect, it } from 'vitest';
import { sessionResumeArgs, sessionResumeFor } from './session-resume.js';

describe('how each CLI resumes a session by id', () => {
  it('claude by its --resume flag; codex exec by its resume subcommand', () => {
    expect(sessionResumeFor('claude', 'env -u CLAUDECODE claude -p --dangerously-skip-permissions')).toEqual({
      via: 'flag',
      flag: '--resume',
    });
    expect(sessionResumeFor('codex', 'codex exec --sandbox workspace-write -C "$(pwd)"')).toEqual({
      via: 'subcommand',
      name: 'resume',
    });
    expect(sessionResumeFor('gemini', 'gemini --yolo --skip-trust')).toEqual({ via: 'flag', flag: '--resume' });
    expect(sessionResumeArgs({ via: 'flag', flag: '--resume' }, 's-1')).toEqual(['--resume', 's-1']);
    expect(sessionResumeArgs({ via: 'subcommand', name: 'resume' }, 't-1')).toEqual(['resume', 't-1']);
  });

  it.each([
    ['claude', 'claude -p --no-session-persistence'], // keeps no session
    ['codex', 'codex exec --ephemeral'], // keeps no session
    ['codex', 'codex'], // not exec: no resume subcommand to add
    ['codex', 'codex exec review'], // already a subcommand
    ['gemini', 'gemini --yolo -o text'], // its output names no session
    ['gemini', 'gemini --yolo --output-format=json'], // one it chose: dispatch reads stream-json only
    ['cursor', 'agent -p --force'],
    ['opencode', 'opencode run'],
    ['command', 'aider --yes --message'],
  ])('none for %s run as %j', (kind, command) => {
    expect(sessionResumeFor(kind, command)).toBeNull();
  });
});
