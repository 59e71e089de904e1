import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild } from './built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

/** A folder with a fake `claude` that answers `--version` as the real one does. */
function fakeBin(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dispatch-doctor-bin-'));
  writeFileSync(join(dir, 'claude'), '#!/bin/sh\n[ "$1" = --version ] && echo "2.1.197 (Claude Code)"\n');
  chmodSync(join(dir, 'claude'), 0o755);
  return dir;
}

const CONFIG = `default: opus
backends:
  claude: { command: "env -u CLAUDECODE claude -p" }
  codex: { command: "codex exec" }
models:
  opus: { backend: claude }
  gpt-5.3-codex: { backend: codex }
`;

interface Report {
  clis: Record<string, { path: string; version: string | null } | null>;
  models: { model: string; installed: boolean }[];
  config: { ok: boolean; error: string | null };
  daemon: { running: boolean };
  watch: { degraded: string[] };
  problems: string[];
}

describe('dispatch doctor', () => {
  it('lists the CLIs with versions, each model with its CLI, the daemon; exit 1 only when something needs fixing', async () => {
    const w = e2eWorkspace('doctor');
    w.env.PATH = `${fakeBin()}:/usr/bin:/bin`;
    writeFileSync(join(w.home, 'config.yaml'), CONFIG);
    const r = await w.dispatch(['doctor', '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(String(r.stdout)) as Report;
    expect(report.clis.claude).toEqual({ path: expect.stringMatching(/\/claude$/), version: '2.1.197 (Claude Code)' });
    expect(report.clis.codex).toBeNull();
    expect(report.models).toMatchObject([
      { model: 'opus', installed: true },
      { model: 'gpt-5.3-codex', installed: false },
    ]);
    expect(report).toMatchObject({ config: { ok: true }, daemon: { running: false }, problems: [] });

    writeFileSync(join(w.home, 'config.yaml'), CONFIG.replace('default: opus', 'default: gpt-5.3-codex'));
    const human = await w.dispatch(['doctor']);
    expect(human.exitCode).toBe(1);
    expect(human.stdout).toMatch(/✓ claude +\S+\/claude \(2\.1\.197 \(Claude Code\)\)/);
    expect(human.stdout).toContain('✗ the default model gpt-5.3-codex cannot run: codex is not installed');

    writeFileSync(join(w.home, 'config.yaml'), 'default: [');
    const broken = JSON.parse(String((await w.dispatch(['doctor', '--json'])).stdout)) as Report;
    expect(broken.config.ok).toBe(false);
    expect(broken.problems[0]).toMatch(/^config: .*config\.yaml:1:/);
  });

  it('reports a workspace the daemon follows by scanning only (degraded watching), in doctor and status', async () => {
    const w = e2eWorkspace('doctor-watch');
    await w.start('one', 'a {sleep: 30}');
    // The daemon writes its report when it changes: once it names this workspace, replace it with a degraded one.
    const health = join(w.home, 'daemon-health.json');
    await until(() => existsSync(health) && readFileSync(health, 'utf8').includes(w.dispatchDir));
    // It counts the facts its watcher found and those only a scan found (what the watcher missed).
    const written = JSON.parse(readFileSync(health, 'utf8')) as {
      workspaces: { facts: { fromWatcher: number; fromScan: number } }[];
    };
    expect(written.workspaces[0]!.facts).toEqual({ fromWatcher: expect.any(Number), fromScan: expect.any(Number) });
    writeFileSync(
      health,
      JSON.stringify({ v: 1, workspaces: [{ dispatchDir: w.dispatchDir, watching: true, degraded: true }] }),
    );
    const r = await w.dispatch(['doctor', '--json']);
    const report = JSON.parse(String(r.stdout)) as Report;
    expect(report.watch.degraded).toEqual([w.dispatchDir]);
    expect(report.problems.some((p) => p.includes(`cannot watch ${w.dispatchDir}`))).toBe(true);
    expect(r.exitCode).toBe(1);
    expect((await w.dispatch(['status'])).stdout).toMatch(
      /\nnote: the daemon cannot watch this workspace \(out of inotify watches\?\): it sees changes by scanning every 5 s; see dispatch doctor$/,
    );
  });
});
