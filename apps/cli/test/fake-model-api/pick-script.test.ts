import { describe, expect, it } from 'vitest';
import { pickScript } from './pick-script.js';
import { callId, nextStep, type ScriptStep } from './worker-script.js';

const host: ScriptStep[] = [
  { tool: 'mcp__dispatch__run', input: { prompt: 'x' } },
  { tool: 'mcp__dispatch__wait', input: { ids: ['t'] }, until: '"type":"question"' },
  { text: 'Done.' },
];
const worker = (): ScriptStep[] => [{ shell: 'true' }];
const shape = { planPath: null, prompts: 0, shellOffered: true, toolNames: ['Bash', 'mcp__dispatch__wait'] };

describe('the fake model API: which script a request plays, and its next step', () => {
  it("plays the host's script for a request without a worker prompt that is offered a tool it calls", () => {
    expect(pickScript({ worker, host }, shape)).toBe(host);
    expect(pickScript({ worker, host }, { ...shape, toolNames: ['Bash'] })).toBeNull();
    expect(pickScript({ worker }, shape)).toBeNull();
    expect(pickScript({ worker, host }, { ...shape, planPath: '/p/plan.md' })).toEqual(worker());
  });

  it('repeats a tool step until its result holds `until`, then goes on', () => {
    const waited = (output: string, attempt = 0) => nextStep(host, { id: callId('toolu', 1, attempt), output });
    expect(nextStep(host, null)).toEqual({ index: 0, attempt: 0 });
    expect(nextStep(host, { id: callId('toolu', 0, 0), output: '{}' })).toEqual({ index: 1, attempt: 0 });
    expect(waited('{"type":"timeout"}', 3)).toEqual({ index: 1, attempt: 4 });
    expect(waited('{"v":1,"type":"question"}')).toEqual({ index: 2, attempt: 0 });
  });
});
