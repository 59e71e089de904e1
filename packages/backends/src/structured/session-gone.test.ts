import { describe, expect, it } from 'vitest';
import { sessionGone } from './session-resume.js';

// What the real CLIs print when told to resume a session that does not exist, recorded
// 2026-11-24 (claude 2.1.197 `-p --output-format stream-json --verbose --resume <id>`, codex
// 0.169.0 `exec --json resume <id>`, gemini 0.61.0 `--output-format stream-json --resume <id>` in a folder
// with no session; its unknown-id message is the one in gemini 0.61's source).
const RECORDED = {
  claude: [
    'No conversation found with session ID: 11111111-2222-3333-4444-555555555555',
    '{"type":"result","subtype":"error_during_execution","duration_ms":0,"is_error":true,"num_turns":0,"session_id":"11111111-2222-3333-4444-555555555555","errors":["No conversation found with session ID: 11111111-2222-3333-4444-555555555555"]}',
  ].join('\n'),
  codex:
    'Error: thread/resume: thread/resume failed: no rollout found for thread id 11111111-2222-3333-4444-555555555555 (code -32600)',
  'gemini, no session in the folder': 'Error resuming session: No previous sessions found for this project.',
  'gemini, unknown id':
    'Invalid session identifier "11111111-2222-3333-4444-555555555555". Use --list-sessions to see available sessions.',
};

describe('sessionGone', () => {
  for (const [cli, output] of Object.entries(RECORDED)) {
    it(`recognises ${cli} saying the session to resume is gone`, () => expect(sessionGone(output)).toBe(true));
  }

  it('is not fooled by a normal run or another failure', () => {
    expect(
      sessionGone(
        '{"type":"system","subtype":"init","session_id":"s-1"}\n{"type":"result","is_error":false,"result":"done"}',
      ),
    ).toBe(false);
    expect(sessionGone('API Error: 429 {"type":"error","error":{"type":"rate_limit_error"}}')).toBe(false);
  });
});
