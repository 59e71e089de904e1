/// <reference lib="dom" />
// Code inside page.evaluate/waitForFunction runs in the browser: its globals are the DOM's.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assertFreshBuild, bin } from '../built-binary.js';
import { cleanUpWorkspaces, e2eWorkspace, type E2eWorkspace } from '../e2e-workspace.js';
import { ARTIFACTS, describeBrowser, guardedContext, launch } from './browser.js';

cleanUpWorkspaces();

/** Starts `dispatch inspect --port 0 --no-open` and resolves with the URL it prints first. */
async function startInspect(
  ws: E2eWorkspace,
  port: string[] = ['--port', '0'],
): Promise<{ url: string; child: ResultPromise }> {
  const child = execa('node', [bin, 'inspect', ...port, '--no-open'], {
    cwd: ws.dir,
    env: ws.env,
    extendEnv: false,
    reject: false,
    buffer: false,
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (out.includes('\n')) resolve(out.slice(0, out.indexOf('\n')));
    });
    child.once('exit', (code) => reject(new Error(`dispatch inspect exited with ${code} before printing its URL`)));
  });
  return { url, child };
}

describeBrowser('inspector over live sim-worker tasks', () => {
  let ws: E2eWorkspace;
  let inspect: { url: string; child: ResultPromise };
  let browser: Browser;
  let page: Page;
  let offsite: string[];

  beforeAll(async () => {
    assertFreshBuild();
    browser = await launch();
    ({ page, offsite } = await guardedContext(browser));
  }, 120_000);

  afterAll(async () => {
    inspect?.child.kill('SIGTERM');
    await inspect?.child;
    await browser?.close();
    expect(offsite).toEqual([]);
  }, 60_000);

  const openTask = async (id: string) => {
    await page.goto(`${inspect.url}#/task/${id}`);
    try {
      await page.waitForSelector(`main.task-page[data-task="${id}"] [data-current]`, { timeout: 10_000 });
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, `live-failed-open-${id}.png`) });
      console.log('DBG', page.url(), await page.evaluate(() => document.body.innerText.slice(0, 500)));
      throw err;
    }
  };
  const current = (state: string, timeout = 20_000) =>
    page.waitForSelector(`[data-current][data-state="${state}"]`, { timeout });

  it('prints the URL with its token first, which answers 200', async () => {
    ws = e2eWorkspace('inspect-live');
    // Pin the workspace: a stray .dispatch/ in an ancestor (say /tmp) must not be found instead.
    ws.env.DISPATCH_DIR = ws.dispatchDir;
    // A second model for "retry with another model": the sim worker behind a generic backend;
    // and `limited`, a worker that is always out of quota (Claude's words, reset 40 s ahead).
    const outOfQuota = join(ws.home, 'out-of-quota.sh');
    await writeFile(outOfQuota, 'echo "Claude AI usage limit reached|$(( $(date +%s) + 40 ))"\nexit 1\n');
    await writeFile(
      join(ws.home, 'config.yaml'),
      `default: sim2\nbackends:\n  simx:\n    command: sh ${join(bin, '..', 'sim', 'dispatch-sim-worker.sh')}\n    model_flag: none\n  quotax:\n    command: sh ${outOfQuota}\n    model_flag: none\nmodels:\n  sim2:\n    backend: simx\n  limited:\n    backend: quotax\n`,
    );
    inspect = await startInspect(ws);
    expect(inspect.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64}$/);
    expect((await fetch(inspect.url, { redirect: 'manual' })).status).toBe(200);
    expect((await fetch(inspect.url.replace(/\?token=.*/, ''))).status).toBe(401);
  });

  it('a restart keeps the port, not the token: the old URL and its event stream are refused, the new URL works', async () => {
    await page.goto(inspect.url);
    await page.waitForSelector('[data-testid=live-dot].on');
    inspect.child.kill('SIGTERM');
    await inspect.child;
    await page.waitForSelector('[data-testid=live-dot].off');
    const before = new URL(inspect.url);
    inspect = await startInspect(ws, []);
    const after = new URL(inspect.url);
    expect(after.port).toBe(before.port);
    expect(after.searchParams.get('token')).not.toBe(before.searchParams.get('token'));
    expect((await fetch(before)).status).toBe(401);
    expect((await fetch(`${before.origin}/api/events${before.search}`)).status).toBe(401);
    await page.goto(inspect.url);
    await page.waitForSelector('[data-testid=live-dot].on', { timeout: 20_000 });
    await ws.start('r', 'a');
    await page.waitForSelector('.task-row[data-task="r"]', { timeout: 20_000 });
  });

  it('moves the chart question → awaiting-answer → answer → running → completed without reload, the answer reaching the worker', async () => {
    await ws.start('x', 'a {ask: Q?}', 'b {sleep: 1.5}');
    await openTask('x');
    // Record every state the chart marks as current, and prove the page never reloads.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[]; notReloaded: boolean }).seen = seen;
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
      const note = () => {
        const s = document.querySelector('[data-current]')?.getAttribute('data-state');
        if (s && seen.at(-1) !== s) seen.push(s);
      };
      note();
      new MutationObserver(note).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-current', 'data-state'],
      });
    });
    await current('awaiting-answer');
    await page.screenshot({ path: join(ARTIFACTS, 'live-awaiting-answer.png') });
    await page.fill('[data-testid=answer-input]', 'forty-two');
    await page.click('[data-testid=answer-send]');
    await current('running');
    await current('completed');
    const { seen, notReloaded } = await page.evaluate(() => {
      const w = window as unknown as { seen: string[]; notReloaded: boolean };
      return { seen: w.seen, notReloaded: w.notReloaded };
    });
    expect(notReloaded).toBe(true);
    // awaiting-answer, then running, then completed, in that order (other states may come between).
    let at = -1;
    for (const state of ['awaiting-answer', 'running', 'completed']) {
      at = seen.indexOf(state, at + 1);
      expect(at, `${state} after the previous one in ${seen.join(' → ')}`).toBeGreaterThanOrEqual(0);
    }
    expect(await readFile(join(ws.dispatchDir, 'tasks', 'x', 'plan.md'), 'utf8')).toContain('answered: forty-two');
    expect(await page.getAttribute('.task-row[data-task="x"]', 'data-state')).toBe('completed');
  });

  it('retries a failed task with another model from the page', async () => {
    await ws.start('y', 'a {fail-once: boom}', 'b');
    await openTask('y');
    await current('failed');
    await page.selectOption('[data-testid=retry-model]', 'sim2');
    await page.click('[data-testid=retry]');
    await current('completed');
    const status = JSON.parse((await ws.dispatch(['status', 'y', '--json'])).stdout) as { model: string };
    expect(status.model).toBe('sim2');
  });

  it('counts down a quota wait in the list and on the task page, then retries it now with another model', async () => {
    const r = await ws.dispatch(['run', '--model', 'limited', '--id', 'q', '--step', 'a', 'task q']);
    expect(r.exitCode, r.stderr).toBe(0);
    await openTask('q');
    const countdown = '[data-testid=quota-wait] [data-testid=quota-countdown]';
    await page.waitForSelector(countdown, { timeout: 20_000 });
    const left = async () => {
      const text = (await page.textContent(countdown)) ?? '';
      expect(text).toMatch(/^waiting for quota — resets in \d+:\d\d, at \d\d:\d\d$/);
      const [m, s] = /in (\d+):(\d\d)/.exec(text)!.slice(1).map(Number) as [number, number];
      return m * 60 + s;
    };
    const first = await left();
    expect(first).toBeGreaterThan(0);
    // 40 s from the worker's exit, on a page clock that ticks once a second (so up to 1 s behind).
    expect(first).toBeLessThanOrEqual(41);
    await page.waitForFunction(
      ([sel, was]) => !(document.querySelector(sel as string)?.textContent ?? '').includes(was as string),
      [countdown, (await page.textContent(countdown))!],
    );
    expect(await left()).toBeLessThan(first);
    expect(await page.textContent('[data-testid=quota-wait]')).toContain('usage limit reached');
    expect(await page.textContent(`.task-row[data-task="q"] [data-testid=quota-countdown]`)).toMatch(
      /^waiting for quota — resets in /,
    );
    expect(await page.isVisible('[data-testid=answer-input]')).toBe(false);
    await page.screenshot({ path: join(ARTIFACTS, 'live-quota-wait.png'), fullPage: true });

    await page.selectOption('[data-testid=retry-model]', 'sim2');
    await page.click('[data-testid=retry]');
    await current('completed');
    const status = JSON.parse((await ws.dispatch(['status', 'q', '--json'])).stdout) as { model: string };
    expect(status.model).toBe('sim2');
  });

  it('raises the time limit of a task blocked on it from the page, refusing what is not a limit', async () => {
    const r = await ws.dispatch([
      'run',
      '--model',
      'sim',
      '--id',
      'slow',
      '--time-limit',
      '2',
      '--step',
      'think {sleep: 120}',
      'slow',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    await openTask('slow');
    await current('blocked');
    await page.waitForSelector('[data-testid=limit-block][data-kind="time-limit"]');
    expect(await page.textContent('[data-testid=limit-block]')).toContain('reached its time limit');
    expect(await page.isVisible('[data-testid=answer-input]')).toBe(false);

    // The server checks the number itself, whatever the page sends.
    const post = (body: object) =>
      page.evaluate(async (body) => {
        const list = (await (
          await fetch('/api/tasks', { headers: { 'x-dispatch-token': sessionStorage.getItem('dispatch-token')! } })
        ).json()) as { workspaces: { ws: string; tasks: { id: string }[] }[] };
        const ws = list.workspaces.find((w) => w.tasks.some((t) => t.id === 'slow'))!.ws;
        const res = await fetch(`/api/tasks/${ws}/slow/continue`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-dispatch-token': sessionStorage.getItem('dispatch-token')!,
          },
          body: JSON.stringify(body),
        });
        return [res.status, ((await res.json()) as { message: string }).message] as const;
      }, body);
    expect(await post({ timeLimit: 1.5 })).toEqual([400, 'timeLimit: a whole number of seconds, more than 0']);
    expect(await post({ timeLimit: 'soon' })).toEqual([400, 'timeLimit: a whole number of seconds, more than 0']);
    expect(await post({ budgetUsd: 5 })).toEqual([
      409,
      'task slow is blocked on its time limit, not its budget: raise timeLimit',
    ]);
    expect(await ws.state('slow')).toBe('blocked');

    await page.fill('[data-testid=raise-limit-input]', '10');
    await page.screenshot({ path: join(ARTIFACTS, 'live-time-limit-blocked.png'), fullPage: true });
    await page.click('[data-testid=raise-limit]');
    await page.waitForSelector('[data-testid=action-message]:has-text("continuing slow: time limit raised to 10 min")');
    await page.waitForSelector('main.task-page[data-task="slow"]:not([data-state="blocked"])', { timeout: 20_000 });
    const events = (await readFile(join(ws.dispatchDir, 'tasks', 'slow', 'events.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; timeLimitMs?: number });
    expect(events.filter((e) => e.type === 'continue')).toMatchObject([{ timeLimitMs: 600_000 }]);
  });

  it('sends a note to a running worker and cancels it from the page', async () => {
    await ws.start('z', 'a {hang}');
    await openTask('z');
    await current('running');
    await page.fill('[data-testid=note-input]', 'the staging database is down');
    await page.click('[data-testid=note-send]');
    await page.waitForSelector('[data-testid=plan-note]:has-text("the staging database is down")', { timeout: 20_000 });
    expect(await readFile(join(ws.dispatchDir, 'tasks', 'z', 'plan.md'), 'utf8')).toContain(
      '**Note from dispatcher:** the staging database is down',
    );
    await page.click('[data-testid=cancel]');
    await current('cancelled');
  });
});
