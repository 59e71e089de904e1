import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DispatchError } from '@dispatch/runtime';
import { execa } from 'execa';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editClaudeConfig } from '../src/mcp/install/claude-config.js';
import { editCodexConfig } from '../src/mcp/install/codex-config.js';
import { editGeminiConfig } from '../src/mcp/install/gemini-config.js';
import { installMcpServer } from '../src/mcp/install/install.js';
import { tomlString } from '../src/mcp/install/toml-text.js';
import { assertFreshBuild, bin } from './built-binary.js';
import { realCli } from './real-clis.js';

const SERVER = { command: '/usr/bin/node', args: ['/opt/dispatch/dispatch.js', 'mcp'] };
const ELSEWHERE = { command: '/old/node', args: ['/old/dispatch.js', 'mcp'] };

/** What `fn` throws: a DispatchError, checked to be exit 2 naming `file:line`. */
function refusal(fn: () => unknown, file: string, line: number): DispatchError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DispatchError);
    const error = err as DispatchError;
    expect(error.exitCode).toBe(2);
    expect(error.message.startsWith(`${file}:${line}: `), error.message).toBe(true);
    return error;
  }
  throw new Error('expected a refusal');
}

describe('Claude Code config (~/.claude.json, .mcp.json)', () => {
  it('creates the file claude mcp add would', () => {
    expect(editClaudeConfig(null, '.mcp.json', SERVER)).toEqual({
      action: 'added',
      text: `${JSON.stringify({ mcpServers: { dispatch: { type: 'stdio', ...SERVER } } }, null, 2)}\n`,
    });
  });

  it('adds the entry keeping every other byte, in the file own indentation', () => {
    const original =
      '{\n    "numStartups": 3,\n    "projects": {"/a": {"allowedTools": []}},\n    "mcpServers": {\n        "other": {"command": "x"}\n    }\n}\n';
    const { action, text } = editClaudeConfig(original, '~/.claude.json', SERVER);
    expect(action).toBe('added');
    expect(text).toBe(
      [
        '{',
        '    "numStartups": 3,',
        '    "projects": {"/a": {"allowedTools": []}},',
        '    "mcpServers": {',
        '        "other": {"command": "x"},',
        '        "dispatch": {',
        '            "type": "stdio",',
        '            "command": "/usr/bin/node",',
        '            "args": [',
        '                "/opt/dispatch/dispatch.js",',
        '                "mcp"',
        '            ]',
        '        }',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
    expect(editClaudeConfig(text, '~/.claude.json', SERVER)).toEqual({ action: 'unchanged', text });
  });

  it('adds mcpServers to a file without one', () => {
    const { text } = editClaudeConfig('{"a": 1}', 'f', SERVER);
    expect(JSON.parse(text)).toEqual({ a: 1, mcpServers: { dispatch: { type: 'stdio', ...SERVER } } });
    expect(text.startsWith('{"a": 1,\n')).toBe(true);
  });

  it('points a stale entry at this CLI, keeping its env and the other entries', () => {
    const original = `{"mcpServers": {"dispatch": {"type": "stdio", "command": "/old/node", "args": ["/old/dispatch.js", "mcp"], "env": {"DISPATCH_HOME": "/d"}}, "z": {"command": "z"}}}`;
    const { action, text } = editClaudeConfig(original, 'f', SERVER);
    expect(action).toBe('updated');
    expect(JSON.parse(text)).toEqual({
      mcpServers: { dispatch: { type: 'stdio', ...SERVER, env: { DISPATCH_HOME: '/d' } }, z: { command: 'z' } },
    });
    expect(editClaudeConfig(text, 'f', SERVER).action).toBe('unchanged');
  });

  it('rewrites only the entry itself, even in a file on one line', () => {
    const original = '{"a":  1, "mcpServers": {"x":  {"command": "y"}, "dispatch": {"url": "u"}, "z":   {}}}';
    const { text } = editClaudeConfig(original, 'f', SERVER);
    const entryStart = original.indexOf('{"url"');
    expect(text.startsWith(original.slice(0, entryStart))).toBe(true);
    expect(text.endsWith(original.slice(entryStart + '{"url": "u"}'.length))).toBe(true);
    expect(JSON.parse(text).mcpServers.dispatch).toEqual({ type: 'stdio', ...SERVER });
  });

  it('turns an HTTP entry named dispatch into the stdio server', () => {
    const { text } = editClaudeConfig(
      '{"mcpServers": {"dispatch": {"type": "http", "url": "https://x"}}}',
      'f',
      SERVER,
    );
    expect(JSON.parse(text).mcpServers.dispatch).toEqual({ type: 'stdio', ...SERVER });
  });

  it('refuses malformed JSON, and comments (Claude would set the file aside), naming the line', () => {
    refusal(() => editClaudeConfig('{\n  "a": 1,\n  oops\n}\n', '/h/.claude.json', SERVER), '/h/.claude.json', 3);
    refusal(() => editClaudeConfig('{\n  // note\n  "a": 1\n}\n', '/h/.claude.json', SERVER), '/h/.claude.json', 2);
    refusal(() => editClaudeConfig('[1]', '/h/.claude.json', SERVER), '/h/.claude.json', 1);
    refusal(() => editClaudeConfig('{\n"mcpServers": []}', '/h/.claude.json', SERVER), '/h/.claude.json', 2);
  });
});

describe('Gemini CLI settings (settings.json, with comments)', () => {
  const original = [
    '{',
    '  // auth for the proxy',
    '  "security": { "auth": { "selectedType": "gemini-api-key" } }, /* kept */',
    '  "mcpServers": {',
    '    "other": { "command": "other" } // mine',
    '  }',
    '}',
    '',
  ].join('\n');

  it('adds the entry keeping comments and the other servers byte for byte', () => {
    const { action, text } = editGeminiConfig(original, 'settings.json', SERVER);
    expect(action).toBe('added');
    expect(text).toBe(
      [
        '{',
        '  // auth for the proxy',
        '  "security": { "auth": { "selectedType": "gemini-api-key" } }, /* kept */',
        '  "mcpServers": {',
        '    "other": { "command": "other" }, // mine',
        '    "dispatch": {',
        '      "command": "/usr/bin/node",',
        '      "args": [',
        '        "/opt/dispatch/dispatch.js",',
        '        "mcp"',
        '      ]',
        '    }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    expect(editGeminiConfig(text, 'settings.json', SERVER)).toEqual({ action: 'unchanged', text });
  });

  it('updates a stale entry in place, the rest untouched', () => {
    const stale = editGeminiConfig(original, 'settings.json', ELSEWHERE).text;
    const { action, text } = editGeminiConfig(stale, 'settings.json', SERVER);
    expect(action).toBe('updated');
    expect(text).toBe(editGeminiConfig(original, 'settings.json', SERVER).text);
  });

  it('refuses a trailing comma (Gemini does too), naming the line', () => {
    refusal(() => editGeminiConfig('{\n  "a": 1,\n}\n', '/g/settings.json', SERVER), '/g/settings.json', 3);
  });
});

describe('Codex config.toml', () => {
  const original = [
    '# Codex settings',
    'model = "gpt-5.3-codex"   # the default',
    '',
    '[mcp_servers.other]',
    'command = "other"',
    '',
    "[profiles.fast] # 'quick' runs",
    'model_reasoning_effort = "low"',
    '',
  ].join('\n');
  const table = '[mcp_servers.dispatch]\ncommand = "/usr/bin/node"\nargs = ["/opt/dispatch/dispatch.js", "mcp"]\n';

  it('appends the table, keeping settings and comments byte for byte', () => {
    const { action, text } = editCodexConfig(original, 'config.toml', SERVER);
    expect(action).toBe('added');
    expect(text).toBe(`${original}\n${table}`);
    expect(editCodexConfig(text, 'config.toml', SERVER)).toEqual({ action: 'unchanged', text });
    expect(editCodexConfig(null, 'config.toml', SERVER).text).toBe(table);
    expect(editCodexConfig('model = "o3"', 'config.toml', SERVER).text).toBe(`model = "o3"\n\n${table}`);
  });

  it('replaces only the command and args lines of a stale table', () => {
    const stale = [
      '# Codex settings',
      '[mcp_servers.dispatch]',
      '# started by hand',
      'command = "/old/node"',
      'args = [',
      '  "/old/dispatch.js", # old checkout',
      '  "mcp",',
      ']',
      'env = { DISPATCH_HOME = "/d" }',
      'startup_timeout_sec = 20',
      '',
      '[mcp_servers.dispatch.env_vars]',
      '',
      '[profiles.fast]',
      'model = "o3"',
      '',
    ].join('\n');
    const { action, text } = editCodexConfig(stale, 'config.toml', SERVER);
    expect(action).toBe('updated');
    expect(text).toBe(
      [
        '# Codex settings',
        '[mcp_servers.dispatch]',
        '# started by hand',
        'command = "/usr/bin/node"',
        'args = ["/opt/dispatch/dispatch.js", "mcp"]',
        'env = { DISPATCH_HOME = "/d" }',
        'startup_timeout_sec = 20',
        '',
        '[mcp_servers.dispatch.env_vars]',
        '',
        '[profiles.fast]',
        'model = "o3"',
        '',
      ].join('\n'),
    );
    expect(editCodexConfig(text, 'config.toml', SERVER).action).toBe('unchanged');
  });

  it('turns a URL entry into the stdio server and keeps CRLF line endings', () => {
    const stale = '[mcp_servers."dispatch"]\r\nurl = "https://x"\r\nenabled = true\r\n';
    const { text } = editCodexConfig(stale, 'config.toml', SERVER);
    expect(text).toBe(
      '[mcp_servers."dispatch"]\r\ncommand = "/usr/bin/node"\r\nargs = ["/opt/dispatch/dispatch.js", "mcp"]\r\nenabled = true\r\n',
    );
  });

  it('escapes paths with quotes, backslashes and control characters', () => {
    const odd = {
      command: 'C:\\Program Files\\node "20"\\node.exe',
      args: ['/a\'b/"c"\\d\te\u0001\u007f/é.js', 'mcp'],
    };
    const { text } = editCodexConfig('', 'config.toml', odd);
    expect(parseToml(text)).toEqual({ mcp_servers: { dispatch: odd } });
    expect(editCodexConfig(text, 'config.toml', odd).action).toBe('unchanged');
    for (const value of ['', '"', '\\', '\\"', '\n\r\b\f', 'ünïcödé 🚀'])
      expect(parseToml(`v = ${tomlString(value)}`).v).toBe(value);
  });

  it('refuses malformed TOML naming the line, and a form it cannot edit safely', () => {
    refusal(() => editCodexConfig('model = "o3"\n[mcp_servers\n', '/c/config.toml', SERVER), '/c/config.toml', 2);
    const inline = 'mcp_servers = { dispatch = { command = "x" } }\n';
    expect(() => editCodexConfig(inline, '/c/config.toml', SERVER)).toThrow(/cannot add dispatch safely/);
    expect(() => editCodexConfig('mcp_servers = { other = { command = "x" } }\n', 'c', SERVER)).toThrow(
      /cannot add dispatch safely/,
    );
  });
});

describe('installMcpServer', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dispatch-mcp-install-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A home, a repository and a PATH holding tiny stand-ins for the named host CLIs. */
  function setUp(name: string, clis: readonly string[]) {
    const home = join(root, name, 'home');
    const binDir = join(root, name, 'bin');
    mkdirSync(home, { recursive: true });
    mkdirSync(binDir, { recursive: true });
    for (const cli of clis) {
      writeFileSync(join(binDir, cli), '#!/bin/sh\nexit 0\n');
      chmodSync(join(binDir, cli), 0o755);
    }
    const places = { home, env: { PATH: binDir }, repo: join(root, name, 'repo') };
    const install = (hosts: ('claude' | 'codex' | 'gemini')[] = [], scope: 'user' | 'project' = 'user') =>
      installMcpServer({ hosts, scope, server: SERVER, places });
    return { home, install };
  }

  it('registers with the CLIs on PATH, skips the others, and changes nothing the second time', async () => {
    const { home, install } = setUp('found', ['claude', 'gemini']);
    expect(await install()).toEqual([
      { host: 'claude', scope: 'user', file: join(home, '.claude.json'), action: 'added' },
      { host: 'codex', scope: 'user', file: null, action: 'skipped', reason: 'codex is not installed (not on PATH)' },
      { host: 'gemini', scope: 'user', file: join(home, '.gemini', 'settings.json'), action: 'added' },
    ]);
    expect(statSync(join(home, '.claude.json')).mode & 0o777).toBe(0o600);
    expect((await install()).map((r) => r.action)).toEqual(['unchanged', 'skipped', 'unchanged']);
    expect((await install(['gemini'])).map((r) => r.host)).toEqual(['gemini']);
  });

  it('writes through a symlink to its target and keeps the file mode', async () => {
    const { home, install } = setUp('symlink', ['gemini']);
    const dotfiles = join(root, 'symlink', 'dotfiles');
    mkdirSync(dotfiles);
    mkdirSync(join(home, '.gemini'));
    writeFileSync(join(dotfiles, 'settings.json'), '{\n  // mine\n}\n', { mode: 0o640 });
    chmodSync(join(dotfiles, 'settings.json'), 0o640);
    symlinkSync(join(dotfiles, 'settings.json'), join(home, '.gemini', 'settings.json'));
    await install();
    expect(lstatSync(join(home, '.gemini', 'settings.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dotfiles, 'settings.json'), 'utf8')).toContain('// mine');
    expect(JSON.parse(readFileSync(join(dotfiles, 'settings.json'), 'utf8').replace('// mine', ''))).toEqual({
      mcpServers: { dispatch: SERVER },
    });
    expect(statSync(join(dotfiles, 'settings.json')).mode & 0o777).toBe(0o640);
  });

  it('writes nothing anywhere when one file is malformed', async () => {
    const { home, install } = setUp('malformed', ['claude', 'codex']);
    mkdirSync(join(home, '.codex'));
    writeFileSync(join(home, '.codex', 'config.toml'), 'model = \n');
    await expect(install()).rejects.toMatchObject({ exitCode: 2, line: 1, file: join(home, '.codex', 'config.toml') });
    expect(() => statSync(join(home, '.claude.json'))).toThrow();
  });

  it('writes the project files at the repository root with --project', async () => {
    const { install } = setUp('project', ['claude', 'codex', 'gemini']);
    const repo = join(root, 'project', 'repo');
    const results = await install([], 'project');
    expect(results.map((r) => r.file)).toEqual([
      join(repo, '.mcp.json'),
      join(repo, '.codex', 'config.toml'),
      join(repo, '.gemini', 'settings.json'),
    ]);
    expect(results.every((r) => r.scope === 'project' && r.note !== undefined)).toBe(true);
    expect(statSync(join(repo, '.mcp.json')).mode & 0o777).toBe(0o644);
  });
});

/** The real host CLIs, where DISPATCH_REAL_CLIS_DIR points. */
const clis = (['claude', 'codex', 'gemini'] as const).map(realCli);
const missing = clis.find((c) => c.missing !== null);
const skipReal = missing !== undefined && !missing.required;
if (skipReal)
  console.warn(
    `real host CLI tests of mcp install skipped: ${missing.missing}; DISPATCH_REQUIRE_REAL_CLIS=1 makes this a failure`,
  );

describe.skipIf(skipReal)('mcp install, read back by the real claude, codex and gemini', () => {
  let home: string;
  let env: Record<string, string>;
  const dispatchJs = realpathSync(bin);
  const registered = `${process.execPath} ${dispatchJs} mcp`;
  beforeAll(() => {
    if (missing !== undefined) throw new Error(`DISPATCH_REQUIRE_REAL_CLIS=1 but ${missing.missing}`);
    assertFreshBuild();
    home = mkdtempSync(join(tmpdir(), 'dispatch-mcp-install-home-'));
    mkdirSync(join(home, 'repo'));
    env = {
      HOME: home,
      PATH: [clis[0]!.dir!, dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
      // Claude's own health check of a server, offline and quiet.
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    };
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const run = (file: string, args: string[]) =>
    execa(file, args, { cwd: join(home, 'repo'), env, extendEnv: false, reject: false, timeout: 90_000 });

  it('registers `node dispatch.js mcp` with all three, and a second run changes nothing', async () => {
    const first = await run('node', [bin, 'mcp', 'install', '--json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).map((r: { action: string }) => r.action)).toEqual(['added', 'added', 'added']);
    const second = await run('node', [bin, 'mcp', 'install']);
    expect(second.stdout.split('\n').filter((l) => l.includes('already registered'))).toHaveLength(3);

    const claude = await run('claude', ['mcp', 'list']);
    expect(claude.stdout, claude.stderr).toContain(`dispatch: ${registered} - `);

    const codex = await run('codex', ['mcp', 'list', '--json']);
    expect(codex.exitCode, codex.stderr).toBe(0);
    expect(JSON.parse(codex.stdout)).toContainEqual(
      expect.objectContaining({
        name: 'dispatch',
        enabled: true,
        transport: expect.objectContaining({ type: 'stdio', command: process.execPath, args: [dispatchJs, 'mcp'] }),
      }),
    );

    const gemini = await run('gemini', ['mcp', 'list']);
    expect(gemini.exitCode, gemini.stderr).toBe(0);
    // Gemini prints its list on stderr.
    expect(gemini.stdout + gemini.stderr).toContain(`dispatch: ${registered} (stdio)`);
  }, 180_000);
});
