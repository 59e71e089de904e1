import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from './built-binary.js';

beforeAll(assertFreshBuild);

const fakes = new URL('./fixtures/fake-clis/', import.meta.url).pathname;

/** A PATH holding only the chosen fake CLIs (plus node and the system's sh). */
function withClis(...names: string[]): { home: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-init-'));
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  for (const name of names) copyFileSync(join(fakes, name), join(binDir, name));
  return { home: join(dir, 'home'), path: [binDir, dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
}

function init(args: string[], env: { home: string; path: string }) {
  return execa('node', [bin, 'init', ...args], {
    reject: false,
    extendEnv: false,
    env: { DISPATCH_HOME: env.home, PATH: env.path, HOME: env.home },
  });
}

describe('dispatch init with fake CLIs on PATH', () => {
  it('finds claude, agent and codex, discovers and routes the models, groups them by provider', async () => {
    const env = withClis('claude', 'agent', 'codex');
    const r = await init(['--yes', '--json'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { path: string; default: string; models: { id: string; backend: string }[] };
    // Cursor marked sonnet-4.5 (current) and gemini-3-pro (default): the first such is suggested.
    expect(out.default).toBe('sonnet-4.5');
    const backendOf = Object.fromEntries(out.models.map((m) => [m.id, m.backend]));
    expect(backendOf).toMatchObject({
      opus: 'claude',
      sonnet: 'claude',
      haiku: 'claude',
      'opus-4.5': 'claude',
      'sonnet-4.5': 'claude',
      'gpt-5.1-codex': 'codex',
      'gpt-5.3-codex': 'codex',
      'gemini-3-pro': 'cursor',
      'grok-4': 'cursor',
      auto: 'cursor',
    });
    const text = readFileSync(out.path, 'utf8');
    expect(text).toMatch(/^default: sonnet-4\.5$/m);
    expect(text).toMatch(/# Anthropic\n( {2}.*\{ backend: claude \}\n)+/);
    expect(text).toMatch(/# OpenAI\n( {2}.*\{ backend: codex \}\n)+/);
    expect(text).toMatch(
      /claude: \{ command: "env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions" \}/,
    );
    expect(text).toMatch(/cursor: \{ command: "agent -p --force --workspace \\"\$\(pwd\)\\"" \}/);
    const show = await execa('node', [bin, 'config', 'show', '--json'], {
      reject: false,
      env: { DISPATCH_HOME: env.home },
    });
    expect(show.exitCode, show.stderr).toBe(0);
  });

  it('says what it turns off so workers run unattended, per backend it wrote, and what to do next', async () => {
    const env = withClis('claude', 'codex');
    const r = await init(['--default', 'sonnet'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ {2}claude: --dangerously-skip-permissions: every tool call runs without asking$/m);
    expect(r.stdout).toMatch(/^ {2}codex: --sandbox workspace-write: /m);
    expect(r.stdout).not.toMatch(/^ {2}(cursor|gemini):/m);
    expect(r.stdout).toMatch(/^Next:\n {2}dispatch "use sonnet to review the README" +start a task/m);
    const json = await init(['--default', 'sonnet', '--force', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({
      unattended: [
        { backend: 'claude', turnsOff: expect.stringContaining('--dangerously-skip-permissions') },
        { backend: 'codex', turnsOff: expect.stringContaining('--sandbox workspace-write') },
      ],
    });
  });

  it('without codex, OpenAI ids go to cursor; without claude, Claude ids go to cursor', async () => {
    const env = withClis('agent');
    const r = await init(['--default', 'gpt-5.1-codex', '--json'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { default: string; models: { id: string; backend: string }[] };
    expect(out.default).toBe('gpt-5.1-codex');
    expect(new Set(out.models.map((m) => m.backend))).toEqual(new Set(['cursor']));
    expect(out.models.map((m) => m.id)).not.toContain('opus');
  });

  it('with no CLI at all: says what to install, shows an example config, exits 1, writes nothing', async () => {
    const env = withClis();
    const r = await init(['--yes'], env);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/npm i -g @anthropic-ai\/claude-code/);
    expect(r.stderr).toMatch(/backends:\n {2}claude:/);
    expect(existsSync(join(env.home, 'config.yaml'))).toBe(false);
  });

  it('never prompts without a terminal: asks for --default or --yes (exit 2)', async () => {
    const env = withClis('claude');
    const r = await init([], env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/--default <model>.*--yes/);
    expect(existsSync(join(env.home, 'config.yaml'))).toBe(false);
  });

  it('refuses a default that was not found, and an existing config without --force', async () => {
    const env = withClis('claude');
    expect((await init(['--default', 'gpt-9'], env)).exitCode).toBe(2);
    expect((await init(['--yes'], env)).exitCode).toBe(0);
    writeFileSync(join(env.home, 'config.yaml'), `${readFileSync(join(env.home, 'config.yaml'), 'utf8')}# mine\n`);
    const again = await init(['--yes'], env);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/exists.*--force/);
    expect(readFileSync(join(env.home, 'config.yaml'), 'utf8')).toMatch(/# mine/);
    expect((await init(['--yes', '--force'], env)).exitCode).toBe(0);
  });
});

describe('first run on a terminal', () => {
  // util-linux `script` gives the binary a real terminal; skipped where it is not available.
  const hasScript = process.platform === 'linux' && existsSync('/usr/bin/script');
  it.skipIf(!hasScript)(
    'bare `dispatch` with no config walks through setup: the default is chosen with the arrow keys',
    async () => {
      const env = withClis('claude', 'agent', 'codex');
      const session = execa('script', ['-qfec', `${process.execPath} ${bin}`, '/dev/null'], {
        reject: false,
        extendEnv: false,
        env: { DISPATCH_HOME: env.home, PATH: env.path, HOME: env.home, TERM: 'xterm' },
      });
      let screen = '';
      session.stdout?.on('data', (chunk: Buffer) => (screen += chunk.toString()));
      const waitScreen = async (text: string) => {
        for (let i = 0; i < 500 && !screen.includes(text); i++) await new Promise((r) => setTimeout(r, 20));
        expect(screen).toContain(text);
      };
      await waitScreen('Default model');
      session.stdin?.write('\u001b[B'); // one down from the suggestion (sonnet-4.5, Cursor's current)
      session.stdin?.write('\r');
      await waitScreen('Config loaded');
      session.stdin?.end();
      const r = await session;
      expect(r.exitCode).toBe(0);
      expect(screen).toContain('No config at');
      const chosen = /^default: (.+)$/m.exec(readFileSync(join(env.home, 'config.yaml'), 'utf8'))?.[1];
      expect(chosen).toBe('gpt-5.1-codex');
      expect(screen).toMatch(/Config loaded: default gpt-5\.1-codex, 14 models, 0 aliases\./);
    },
  );
});
