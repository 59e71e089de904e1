import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWorkerCommand, sessionResumeArgs, workerPrompt } from '@dispatch/backends';
import { resolveWorker } from './resolve-worker.js';

// The seed's config with every backend kind, aliases with prompts, and a generic command.
const CONFIG = `default: opus
backends:
  claude: { command: "env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions" }
  cursor: { command: "agent -p --force --workspace \\"$(pwd)\\"" }
  codex: { command: "codex exec --full-auto -C \\"$(pwd)\\"" }
  gemini: { command: "gemini --yolo" }
  opencode: { command: "opencode run" }
  aider: { command: "aider --yes --message" }
  tuned: { command: "claude -p", model_flag: none }
models:
  opus: { backend: claude }
  claude-sonnet-4-5: { backend: claude }
  gpt-5.3-codex: { backend: codex }
  gemini-3.1-pro: { backend: cursor }
  gemini-2.5-pro: { backend: gemini }
  anthropic/claude-opus-4.5: { backend: opencode }
  local: { backend: aider }
  fixed: { backend: tuned }
aliases:
  review: { model: opus, prompt: "Review carefully." }
`;

/** A PATH where each worker CLI prints its argv as JSON: what the worker really receives. */
function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-argv-'));
  const bin = join(dir, 'bin');
  execFileSync('mkdir', ['-p', bin]);
  for (const exe of ['claude', 'agent', 'codex', 'gemini', 'opencode', 'aider']) {
    writeFileSync(
      join(bin, exe),
      `#!/bin/sh\nnode -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' -- "${exe}" "$@"\n`,
    );
    chmodSync(join(bin, exe), 0o755);
  }
  writeFileSync(join(dir, 'config.yaml'), CONFIG);
  return { env: { PATH: `${bin}:${process.env.PATH}`, DISPATCH_HOME: dir }, cwd: dir };
}

/**
 * The argv `model`'s worker gets; the prompt is `prompt`, or the real worker prompt with `alias`;
 * with `session`, resuming that session the way the backend can (as resume-session.ts would).
 */
async function argvFor(model: string, prompt = 'PROMPT', session?: string) {
  const { env, cwd } = setup();
  const spec = await resolveWorker(model, env);
  const text =
    spec.aliasPrompt === undefined
      ? prompt
      : workerPrompt({
          planPath: '/w/plan.md',
          ipcDir: '/w/ipc',
          contextPath: '/w/context.md',
          answerTimeoutSeconds: 180,
          startReason: 'first',
          aliasPrompt: spec.aliasPrompt,
        });
  const resume = session !== undefined && spec.sessionResume ? sessionResumeArgs(spec.sessionResume, session) : [];
  const command = buildWorkerCommand({
    command: spec.command,
    modelFlag: spec.modelArgs?.flag ?? null,
    model: spec.modelArgs?.value ?? null,
    prompt: text,
    extraArgs: spec.outputArgs ?? [],
    resume,
  });
  const out = execFileSync('sh', ['-c', command.script, 'dispatch-worker', ...command.args], {
    env: { ...process.env, ...env },
    cwd,
    encoding: 'utf8',
  });
  return { argv: JSON.parse(out) as string[], cwd };
}

describe('the final argv each backend receives', () => {
  it('claude: the reference command, stream-json output, the model as its family name, the prompt last', async () => {
    const json = ['--output-format', 'stream-json', '--verbose'];
    expect((await argvFor('opus')).argv).toEqual([
      'claude',
      '-p',
      '--dangerously-skip-permissions',
      ...json,
      '--model',
      'opus',
      'PROMPT',
    ]);
    expect((await argvFor('claude-sonnet-4-5')).argv).toEqual([
      'claude',
      '-p',
      '--dangerously-skip-permissions',
      ...json,
      '--model',
      'sonnet',
      'PROMPT',
    ]);
  });

  it('codex and cursor: --model <id>, with "$(pwd)" expanded to the worker\'s directory', async () => {
    const codex = await argvFor('gpt-5.3-codex');
    expect(codex.argv).toEqual([
      'codex',
      'exec',
      '--full-auto',
      '-C',
      codex.cwd,
      '--json',
      '--model',
      'gpt-5.3-codex',
      'PROMPT',
    ]);
    const cursor = await argvFor('gemini-3.1-pro');
    expect(cursor.argv).toEqual([
      'agent',
      '-p',
      '--force',
      '--workspace',
      cursor.cwd,
      '--model',
      'gemini-3.1-pro',
      'PROMPT',
    ]);
  });

  it('gemini (stream-json), opencode, a generic command, and a backend told to pass no model', async () => {
    expect((await argvFor('gemini-2.5-pro')).argv).toEqual([
      'gemini',
      '--yolo',
      '--output-format',
      'stream-json',
      '--model',
      'gemini-2.5-pro',
      'PROMPT',
    ]);
    expect((await argvFor('anthropic/claude-opus-4.5')).argv).toEqual([
      'opencode',
      'run',
      '--model',
      'anthropic/claude-opus-4.5',
      'PROMPT',
    ]);
    expect((await argvFor('local')).argv).toEqual(['aider', '--yes', '--message', 'PROMPT']);
    expect((await argvFor('fixed')).argv).toEqual(['claude', '-p', 'PROMPT']); // a generic command: nothing added
  });

  it('resuming a session: claude and gemini --resume <id>, codex exec … resume <id> after every option, the others start afresh', async () => {
    expect((await argvFor('opus', 'PROMPT', 's-1')).argv).toEqual([
      'claude',
      '-p',
      '--dangerously-skip-permissions',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'opus',
      '--resume',
      's-1',
      'PROMPT',
    ]);
    const codex = await argvFor('gpt-5.3-codex', 'PROMPT', '01a20d37-16c5-7362-9467-0a5872ab47e2');
    expect(codex.argv).toEqual([
      'codex',
      'exec',
      '--full-auto',
      '-C',
      codex.cwd,
      '--json',
      '--model',
      'gpt-5.3-codex',
      'resume',
      '01a20d37-16c5-7362-9467-0a5872ab47e2',
      'PROMPT',
    ]);
    expect((await argvFor('gemini-2.5-pro', 'PROMPT', '245de0cd-a3c8-42e8-8049-d0ad9ba58651')).argv).toEqual([
      'gemini',
      '--yolo',
      '--output-format',
      'stream-json',
      '--model',
      'gemini-2.5-pro',
      '--resume',
      '245de0cd-a3c8-42e8-8049-d0ad9ba58651',
      'PROMPT',
    ]);
    expect((await argvFor('gemini-3.1-pro', 'PROMPT', 's-1')).argv.slice(-3)).toEqual([
      '--model',
      'gemini-3.1-pro',
      'PROMPT',
    ]); // cursor
    expect((await argvFor('anthropic/claude-opus-4.5', 'PROMPT', 's-1')).argv).toEqual([
      'opencode',
      'run',
      '--model',
      'anthropic/claude-opus-4.5',
      'PROMPT',
    ]);
    expect((await argvFor('local', 'PROMPT', 's-1')).argv).toEqual(['aider', '--yes', '--message', 'PROMPT']);
  });

  it("an alias runs its model with its prompt before the worker's", async () => {
    const { argv } = await argvFor('review');
    expect(argv.slice(0, -1)).toEqual([
      'claude',
      '-p',
      '--dangerously-skip-permissions',
      '--output-format',
      'stream-json',
      '--verbose',
      '--model',
      'opus',
    ]);
    expect(argv.at(-1)).toMatch(/^Review carefully\.\s[\s\S]*\/w\/plan\.md/);
  });

  it.each(['$(id)', '`id`', '"; rm -rf ~; echo "', "it's\nfine", '--model x'])(
    'a prompt is data, whatever it holds: %j',
    async (prompt) => {
      expect((await argvFor('gpt-5.3-codex', prompt)).argv.at(-1)).toBe(prompt);
    },
  );

  it.each(['x; rm -rf ~', '$(id)', '`id`', 'a\nb'])(
    'a hostile model id is refused before anything runs: %j',
    async (model) => {
      const { env } = setup();
      await expect(
        resolveWorker(model, env).then((spec) =>
          buildWorkerCommand({
            command: spec.command,
            modelFlag: spec.modelArgs?.flag ?? null,
            model: spec.modelArgs?.value ?? null,
            prompt: 'p',
          }),
        ),
      ).rejects.toThrow();
    },
  );
});
