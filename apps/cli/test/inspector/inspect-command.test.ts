import { createServer } from 'node:net';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertFreshBuild, bin } from '../built-binary.js';
import { workspaceKey } from '@dispatch/ipc-fs';
import { e2eWorkspace, until } from '../e2e-workspace.js';

/** `dispatch inspect` run in the background; resolves with its first stdout line. */
function inspect(ws: ReturnType<typeof e2eWorkspace>, args: string[], extraEnv: Record<string, string> = {}) {
  // Pin the workspace: a stray .dispatch/ in an ancestor (say /tmp) must not be found instead.
  ws.env.DISPATCH_DIR = ws.dispatchDir;
  const open = 'DISPLAY' in extraEnv;
  const child = execa('node', [bin, 'inspect', ...(open ? [] : ['--no-open']), ...args], {
    cwd: ws.dir,
    env: { ...ws.env, ...extraEnv },
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

/** An HTTP server standing in for another local user's, recording every request it gets. */
async function squatter(host: string, port = 0) {
  const requests: { url: string; headers: Record<string, unknown> }[] = [];
  const server = createHttpServer((req, res) => {
    requests.push({ url: req.url ?? '', headers: { ...req.headers } });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, requests, port: (server.address() as { port: number }).port };
}

const isRoot = process.getuid?.() === 0;

// Security (issue 15, finding 1): the five ways the token reached another local user.
describe('dispatch inspect: the token reaches no one else', () => {
  afterEach(async () => {
    for (const child of running.splice(0)) {
      child.kill('SIGTERM');
      await child;
    }
  });

  it('the browser opener gets a 0600 file, never the token on its command line', async () => {
    const ws = e2eWorkspace('inspect-opener');
    const fake = await mkdtemp(join(tmpdir(), 'dispatch-fake-opener-'));
    const record = join(fake, 'argv');
    // A fake xdg-open: records its argv (what /proc/<pid>/cmdline shows every user).
    await writeFile(
      join(fake, 'xdg-open'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > ${record}.tmp && mv ${record}.tmp ${record}\n`,
      {
        mode: 0o755,
      },
    );
    const { first } = inspect(ws, ['--port', '0'], { DISPLAY: ':99', PATH: `${fake}:${ws.env.PATH}` });
    const url = await first;
    const token = new URL(url).searchParams.get('token')!;
    const argv = await until(() => readFile(record, 'utf8').catch(() => undefined));
    expect(argv).not.toContain(token);
    const page = argv.trim();
    expect(page).toBe(join(ws.home, 'inspector-open.html'));
    expect((await stat(page)).mode & 0o777).toBe(0o600);
    expect(await readFile(page, 'utf8')).toContain(url);
    if (isRoot) {
      const other = await execa('runuser', ['-u', 'nobody', '--', 'cat', page], { reject: false });
      expect(other.exitCode).not.toBe(0);
      expect(other.stdout).not.toContain(token);
    }
  });

  it('an inspector that is gone is not asked for by the network: whoever holds its port gets nothing', async () => {
    const ws = e2eWorkspace('inspect-squat');
    const old = 'a'.repeat(64);
    const squat = await squatter('127.0.0.1');
    try {
      // The last inspector's record: its port now held by someone else, its process gone.
      await writeFile(
        join(ws.home, 'inspector.json'),
        JSON.stringify({ port: squat.port, token: old, pid: 2_000_000_000, startTime: '1' }),
        { mode: 0o600 },
      );
      const { first } = inspect(ws, []);
      const url = new URL(await first);
      expect(url.port).not.toBe(String(squat.port));
      expect(url.searchParams.get('token')).not.toBe(old);
      expect(squat.requests).toEqual([]);
    } finally {
      squat.server.close();
    }
  });

  it('sets no cookie, and each start has a fresh token: the last one is refused', async () => {
    const ws = e2eWorkspace('inspect-rotate');
    const one = inspect(ws, ['--port', '0']);
    const firstUrl = await one.first;
    const res = await fetch(firstUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    one.child.kill('SIGTERM');
    await one.child;
    const port = new URL(firstUrl).port;
    const two = inspect(ws, ['--port', port]);
    const secondUrl = await two.first;
    expect(new URL(secondUrl).port).toBe(port);
    expect(secondUrl).not.toBe(firstUrl);
    expect((await fetch(firstUrl)).status).toBe(401);
    expect((await fetch(secondUrl)).status).toBe(200);
  });

  it('holds [::1] on its port too, or refuses `localhost` when another process holds it', async () => {
    const ws = e2eWorkspace('inspect-v6');
    // Someone else on [::1]:P first: the inspector on 127.0.0.1:P must refuse Host: localhost,
    // or a browser resolving localhost to ::1 would hand them the token.
    const squat = await squatter('::1');
    try {
      const { first } = inspect(ws, ['--port', String(squat.port)]);
      const url = await first;
      expect(new URL(url).port).toBe(String(squat.port));
      const viaLocalhost = await rawGet(squat.port, new URL(url).search, `localhost:${squat.port}`);
      expect(viaLocalhost).toBe(403);
      expect(await rawGet(squat.port, new URL(url).search, `127.0.0.1:${squat.port}`)).toBe(200);
    } finally {
      squat.server.close();
    }
    for (const child of running.splice(0)) {
      child.kill('SIGTERM');
      await child;
    }
    // ::1 free: the inspector takes it, so no one else can.
    const ws2 = e2eWorkspace('inspect-v6-own');
    const { first } = inspect(ws2, ['--port', '0']);
    const url = new URL(await first);
    await expect(squatter('::1', Number(url.port))).rejects.toThrow(/EADDRINUSE/);
    expect((await fetch(`http://[::1]:${url.port}/${url.search}`)).status).toBe(200);
  });

  it('refuses a state-changing request from another page (Origin), token or not', async () => {
    const ws = e2eWorkspace('inspect-origin');
    const { first } = inspect(ws, ['--port', '0']);
    const url = new URL(await first);
    const token = url.searchParams.get('token')!;
    const post = (origin: string) =>
      fetch(`${url.origin}/api/tasks/0000000000000000/t/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-dispatch-token': token, origin },
        body: '{}',
      });
    expect((await post('http://evil.example')).status).toBe(403);
    expect((await post(`http://127.0.0.1:${Number(url.port) + 1}`)).status).toBe(403);
    expect((await post(url.origin)).status).toBe(404); // past the guard: no such task
  });

  it("continues a blocked task with the environment of the shell that ran inspect, not run's (as dispatch continue)", async () => {
    const ws = e2eWorkspace('inspect-env');
    const sim = new URL('../../../../packages/backends/sim/dispatch-sim-worker.sh', import.meta.url).pathname;
    const probe = `sh -c 'env > "$DISPATCH_TASK_DIR/worker-env.txt"; exec sh ${sim} "$@"' probe`;
    await writeFile(
      join(ws.home, 'config.yaml'),
      `default: probe\nbackends:\n  probe:\n    command: ${JSON.stringify(probe)}\n    model_flag: none\n    env: [AWS_PROFILE]\nmodels:\n  probe: { backend: probe }\n`,
    );
    ws.env.AWS_PROFILE = 'at-run';
    expect((await ws.dispatch(['run', '--id', 'b', '--step', 'pick {block: Which one?}', 'x'])).exitCode).toBe(0);
    await until(async () => (await ws.state('b')) === 'blocked');
    const { first } = inspect(ws, ['--port', '0'], { AWS_PROFILE: 'at-inspect' });
    const url = new URL(await first);
    const res = await fetch(`${url.origin}/api/tasks/${workspaceKey(ws.dispatchDir)}/b/continue`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-dispatch-token': url.searchParams.get('token')!,
        origin: url.origin,
      },
      body: JSON.stringify({ text: 'the first' }),
    });
    expect(res.status, await res.text()).toBe(200);
    await until(async () => (await ws.state('b')) === 'completed');
    expect(await readFile(join(ws.dispatchDir, 'tasks/b/worker-env.txt'), 'utf8')).toContain(
      'AWS_PROFILE=at-inspect\n',
    );
  });
});

/** GET over 127.0.0.1 with a chosen Host header (fetch will not send a foreign one); the status. */
function rawGet(port: number, search: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/${search}`, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.once('error', reject);
    req.end();
  });
}
