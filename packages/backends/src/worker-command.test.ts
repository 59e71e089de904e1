import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertModelId, BackendError, buildWorkerCommand, shellQuote, workerEnv, workerPrompt } from './index.js';

/** Runs a worker command the way the wrapper does, with `printf '%s\n'` standing in for the CLI. */
function runCommand(cmd: ReturnType<typeof buildWorkerCommand>, cwd: string): string {
  return execFileSync('/bin/sh', ['-c', cmd.script, 'dispatch-worker', ...cmd.args], { cwd, encoding: 'utf8' });
}

describe('buildWorkerCommand', () => {
  it('appends the model flag and the prompt as arguments, trimming a folded command', () => {
    const cmd = buildWorkerCommand({
      command: "printf '%s\\n'\n",
      modelFlag: '--model',
      model: 'gpt-5.3-codex',
      prompt: 'Do the plan',
    });
    expect(cmd).toEqual({ script: `printf '%s\\n' "$@"`, args: ['--model', 'gpt-5.3-codex', 'Do the plan'] });
    expect(runCommand(cmd, tmpdir())).toBe('--model\ngpt-5.3-codex\nDo the plan\n');
  });

  it('passes no model when the backend takes none', () => {
    const cmd = buildWorkerCommand({ command: 'claude -p', modelFlag: null, model: 'opus', prompt: 'p' });
    expect(cmd.args).toEqual(['p']);
  });

  it('puts the words that resume a session after every option, right before the prompt', () => {
    const cmd = buildWorkerCommand({
      command: 'codex exec -C "$(pwd)"',
      modelFlag: '--model',
      model: 'gpt-5.3-codex',
      extraArgs: ['--json'],
      resume: ['resume', '01a2-th'],
      prompt: 'Go on',
    });
    expect(cmd.args).toEqual(['--json', '--model', 'gpt-5.3-codex', 'resume', '01a2-th', 'Go on']);
    expect(() =>
      buildWorkerCommand({
        command: 'claude -p',
        modelFlag: null,
        model: null,
        resume: ['--resume', '$(id)'],
        prompt: 'p',
      }),
    ).toThrow(BackendError);
  });

  it('keeps "$(pwd)" in the command working', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-cwd-'));
    const cmd = buildWorkerCommand({ command: `printf '%s\\n' "$(pwd)"`, modelFlag: null, model: null, prompt: 'x' });
    expect(runCommand(cmd, dir)).toBe(`${dir}\nx\n`);
  });

  it('treats an injection attempt in the prompt as data', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dispatch-inject-'));
    const prompt = `$(touch pwned1) \`touch pwned2\` "; touch pwned3; echo " ' ; touch pwned4 #`;
    const cmd = buildWorkerCommand({ command: "printf '%s\\n'", modelFlag: null, model: null, prompt });
    expect(runCommand(cmd, dir)).toBe(`${prompt}\n`);
    for (const f of ['pwned1', 'pwned2', 'pwned3', 'pwned4']) expect(existsSync(join(dir, f))).toBe(false);
  });

  it.each(['opus; rm -rf ~', '$(id)', 'a b', '-rf', '', "o'pus", 'opus\n'])('refuses the model id %j', (model) => {
    expect(() => buildWorkerCommand({ command: 'x', modelFlag: '--model', model, prompt: 'p' })).toThrow(BackendError);
  });

  it.each(['sonnet-4.6', 'gpt-5.3-codex', 'anthropic/claude-opus-4.5', 'model@2025:latest', 'o4-mini', 'a+b'])(
    'accepts the model id %j',
    (model) => {
      expect(assertModelId(model)).toBe(model);
    },
  );

  it('refuses an empty command and a model flag that is not a flag', () => {
    expect(() => buildWorkerCommand({ command: '  \n', modelFlag: null, model: null, prompt: 'p' })).toThrow(/empty/);
    expect(() => buildWorkerCommand({ command: 'x', modelFlag: '--model; id', model: 'a', prompt: 'p' })).toThrow(
      /model flag/,
    );
  });
});

describe('shellQuote', () => {
  it.each(["it's", '$(id)', '`id`', '"', '\\', 'a\nb', ''])('round-trips %j through sh', (value) => {
    expect(execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' })).toBe(value);
  });
});

describe('worker prompt and environment', () => {
  const input = {
    planPath: '/w/.dispatch/tasks/t/plan.md',
    ipcDir: '/w/.dispatch/tasks/t/ipc',
    contextPath: '/w/.dispatch/tasks/t/context.md',
    answerTimeoutSeconds: 180,
  };

  it('names the plan as a bare token and the protocol steps', () => {
    const prompt = workerPrompt({ ...input, startReason: 'first' });
    expect(prompt.split(/\s+/)).toContain('/w/.dispatch/tasks/t/plan.md');
    expect(prompt).toMatch(/NNN\.question/);
    expect(prompt).toMatch(/within 180 seconds/);
    expect(prompt).toMatch(/\.done/);
    expect(prompt).not.toMatch(/started before/);
  });

  it('prepends an alias prompt and tells a continuing worker where to resume', () => {
    const prompt = workerPrompt({ ...input, startReason: 'continue', aliasPrompt: 'You are a security reviewer.' });
    expect(prompt.startsWith('You are a security reviewer.\n')).toBe(true);
    expect(prompt).toMatch(/context\.md if it exists/);
  });

  it('sets every DISPATCH_ variable on top of the task environment', () => {
    const env = workerEnv(
      { PATH: '/bin', HOME: '/h' },
      {
        taskId: 't',
        taskDir: '/t',
        ipcDir: '/t/ipc',
        planPath: '/t/plan.md',
        dispatchDir: '/w/.dispatch',
        answerTimeoutSeconds: 180,
        bin: 'dispatch',
      },
    );
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/h',
      DISPATCH_TASK_ID: 't',
      DISPATCH_TASK_DIR: '/t',
      DISPATCH_IPC_DIR: '/t/ipc',
      DISPATCH_PLAN: '/t/plan.md',
      DISPATCH_DIR: '/w/.dispatch',
      DISPATCH_ANSWER_TIMEOUT: '180',
      DISPATCH_BIN: 'dispatch',
    });
  });
});
