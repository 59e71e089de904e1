import { createServer } from 'node:net';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from '../built-binary.js';
import { e2eWorkspace } from '../e2e-workspace.js';

/** `dispatch inspect` run in the background; resolves with its first stdout line. */
function inspect(ws: ReturnType<typeof e2eWorkspace>, args: string[]) {
  // Pin the workspace: a stray .dispatch/ in an ancestor (say /tmp) must not be found instead.
  ws.env.DISPATCH_DIR = ws.dispatchDir;
  const child = execa('node', [bin, 'inspect', '--no-open', ...args], {
    cwd: ws.dir,
    env: ws.env,
    extendEnv: false,
    reject: false,
    buffer: false,
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c.toString('utf8')));
  const first = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) =>
      out.includes('\n') ? undefined : reject(new Error(`exit ${code}: ${stderr.join('')}`)),
    );
  });
  running.push(child);
  return { child, first, stderr };
}

const running: ReturnType<typeof execa>[] = [];

describe('dispatch inspect', () => {
  beforeAll(() => assertFreshBuild());
  afterEach(async () => {
    for (const child of running.splice(0)) {
      child.kill('SIGTERM');
      await child;
    }
  });

  it('prints the URL with its token as the first line, which answers 200, and keeps port and token (0600)', async () => {
    const ws = e2eWorkspace('inspect-cmd');
    const { first, child } = inspect(ws, ['--port', '0']);
    const url = await first;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})$/);
    const res = await fetch(url, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="app">');
    const saved = join(ws.home, 'inspector.json');
    expect((await stat(saved)).mode & 0o777).toBe(0o600);
    const state = JSON.parse(await readFile(saved, 'utf8')) as { port: number; token: string };
    expect(url).toBe(`http://127.0.0.1:${state.port}/?token=${state.token}`);

    // A second inspect while it runs prints the same URL and leaves.
    const second = await execa('node', [bin, 'inspect', '--no-open'], {
      cwd: ws.dir,
      env: ws.env,
      extendEnv: false,
      reject: false,
    });
    expect(second.exitCode).toBe(0);
    expect(second.stdout.split('\n')[0]).toBe(url);

    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('refuses a bad --port and a busy one with exit 2', async () => {
    const ws = e2eWorkspace('inspect-port');
    const bad = await execa('node', [bin, 'inspect', '--no-open', '--port', 'http'], {
      cwd: ws.dir,
      env: ws.env,
      extendEnv: false,
      reject: false,
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/--port: "http" is not a port/);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const busy = await execa('node', [bin, 'inspect', '--no-open', '--port', String(port)], {
        cwd: ws.dir,
        env: ws.env,
        extendEnv: false,
        reject: false,
      });
      expect(busy.exitCode).toBe(2);
      expect(busy.stderr).toMatch(/the port is in use/);
      expect(busy.stdout).toBe('');
    } finally {
      blocker.close();
    }
  });
});
