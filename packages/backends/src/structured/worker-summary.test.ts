import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseWorkerLine } from './worker-events.js';
import { findSessionId, summarizeWorkerOutput } from './worker-summary.js';

const fixtures = new URL('../../test/fixtures/cli-output/', import.meta.url);
const recorded = (cli: string, name: string) =>
  (JSON.parse(readFileSync(new URL(`${cli}/${name}.json`, fixtures), 'utf8')) as { stdout: string }).stdout;

// A successful Claude Code run in stream-json, shaped as 2.1.x prints it (trimmed to the fields read).
const CLAUDE_RUN = [
  '{"type":"system","subtype":"init","session_id":"s-42","model":"claude-sonnet-4-5","tools":["Bash","Edit"]}',
  '{"type":"assistant","message":{"content":[{"type":"text","text":"Reading the plan."},{"type":"tool_use","id":"t1","name":"Read","input":{"file_path":"/w/plan.md"}}]}}',
  '{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"- [ ] a"}]}}',
  '{"type":"assistant","message":{"content":[{"type":"tool_use","id":"t2","name":"Bash","input":{"command":"npm test\\n  -- --run"}}]}}',
  '{"type":"result","subtype":"success","is_error":false,"num_turns":3,"session_id":"s-42","total_cost_usd":0.0421,"usage":{"input_tokens":1200,"cache_read_input_tokens":800,"output_tokens":345}}',
].join('\n');

describe('structured worker output', () => {
  it("sums a Claude Code run: session, the run's totals, the last action", () => {
    expect(summarizeWorkerOutput(`plain text first\n${CLAUDE_RUN}\n`)).toEqual({
      sessionId: 's-42',
      usage: { inputTokens: 2000, outputTokens: 345, costUsd: 0.0421 },
      lastActivity: 'Bash: npm test -- --run',
    });
  });

  it('sums a Codex run: thread id, every turn added up, commands and messages', () => {
    const run = [
      '{"type":"thread.started","thread_id":"th-1"}',
      '{"type":"turn.started"}',
      '{"type":"item.started","item":{"id":"i1","type":"command_execution","command":"bash -lc ls","status":"in_progress"}}',
      '{"type":"item.completed","item":{"id":"i1","type":"command_execution","command":"bash -lc ls","exit_code":0}}',
      '{"type":"turn.completed","usage":{"input_tokens":100,"cached_input_tokens":0,"output_tokens":20}}',
      '{"type":"item.completed","item":{"id":"i2","type":"agent_message","text":"Done: all items ticked."}}',
      '{"type":"turn.completed","usage":{"input_tokens":50,"output_tokens":5}}',
    ].join('\n');
    expect(summarizeWorkerOutput(run)).toEqual({
      sessionId: 'th-1',
      usage: { inputTokens: 150, outputTokens: 25, costUsd: null },
      lastActivity: 'Done: all items ticked.',
    });
  });

  it("sums a Gemini CLI run: session, text, tools, the run's totals; warnings are no errors", () => {
    // gemini 0.61 --output-format stream-json, as it printed against a fake API (tool lines as its source emits them)
    const run = [
      '{"type":"init","timestamp":"2026-11-24T11:02:44.831Z","session_id":"30ea8cd9-0746-488f-9c02-ba4791dfa990","model":"gemini-2.5-pro"}',
      '{"type":"message","timestamp":"2026-11-24T11:02:44.832Z","role":"user","content":"Your task plan is /w/plan.md"}',
      '{"type":"message","timestamp":"2026-11-24T11:02:44.889Z","role":"assistant","content":"Ticking item 1.","delta":true}',
      '{"type":"tool_use","timestamp":"2026-11-24T11:02:44.900Z","tool_name":"run_shell_command","tool_id":"t1","parameters":{"command":"sed -i s/x/y/ plan.md"}}',
      '{"type":"tool_result","timestamp":"2026-11-24T11:02:44.950Z","tool_id":"t1","status":"success","output":""}',
      '{"type":"error","timestamp":"2026-11-24T11:02:44.960Z","severity":"warning","message":"Loop detection is off"}',
      '{"type":"result","timestamp":"2026-11-24T11:02:44.980Z","status":"success","stats":{"total_tokens":5,"input_tokens":3,"output_tokens":2,"cached":0,"input":3,"duration_ms":149,"tool_calls":1}}',
    ].join('\n');
    expect(summarizeWorkerOutput(run)).toEqual({
      sessionId: '30ea8cd9-0746-488f-9c02-ba4791dfa990',
      usage: { inputTokens: 3, outputTokens: 2, costUsd: null },
      lastActivity: 'run_shell_command: sed -i s/x/y/ plan.md',
    });
    expect(findSessionId(run, 'end')).toBe('30ea8cd9-0746-488f-9c02-ba4791dfa990');
  });

  it('reads the real recordings: the session and the error each CLI reported', () => {
    expect(summarizeWorkerOutput(recorded('claude', 'http-404-model-stream-json'))).toMatchObject({
      sessionId: expect.any(String),
      lastActivity: expect.stringMatching(/^error: There's an issue with the selected model/),
    });
    expect(summarizeWorkerOutput(recorded('codex', 'http-404-model-json'))).toMatchObject({
      sessionId: expect.any(String),
      lastActivity: expect.stringMatching(/^error: The model `no-such-model` does not exist/),
    });
    expect(summarizeWorkerOutput(recorded('gemini', 'http-404-model-stream-json'))).toMatchObject({
      sessionId: expect.any(String),
      lastActivity: expect.stringMatching(/^error: \[API Error: models\/gemini-nonexistent-9 is not found/),
    });
  });

  it('never throws on any recorded output, and ignores lines that are not its formats', () => {
    for (const cli of readdirSync(fixtures).filter((d) => !d.includes('.') && d !== 'record')) {
      for (const file of readdirSync(new URL(`${cli}/`, fixtures)).filter(
        (f) => f.endsWith('.json') && f !== 'expected.json',
      )) {
        expect(() =>
          summarizeWorkerOutput(
            (JSON.parse(readFileSync(new URL(`${cli}/${file}`, fixtures), 'utf8')) as { output?: string }).output ?? '',
          ),
        ).not.toThrow();
      }
    }
    for (const line of [
      '',
      'hello',
      '{',
      '{"type":5}',
      '[1,2]',
      '{"no":"type"}',
      '{"type":"item.completed"}',
      '{"type":"assistant","message":null}',
    ])
      expect(parseWorkerLine(line)).toEqual([]);
  });

  it('finds the session an output names, the first from the start, the latest from the end', () => {
    const previous =
      '{"type":"thread.started","thread_id":"th-old"}\n{"type":"turn.completed","usage":{"input_tokens":1,"output_tokens":1}}';
    const latest = '{"type":"thread.started","thread_id":"th-new"}\nplain text';
    expect(findSessionId(`${previous}\n${latest}`, 'start')).toBe('th-old');
    expect(findSessionId(`${previous}\n${latest}`, 'end')).toBe('th-new');
    // Claude's result line names it too, when the init line was cut off
    expect(findSessionId(CLAUDE_RUN.split('\n').slice(2).join('\n'), 'end')).toBe('s-42');
    expect(findSessionId('no events here\n{"type":"turn.started"}', 'start')).toBeNull();
  });
});
