/// <reference lib="dom" />
// Code inside page.evaluate/waitForFunction runs in the browser: its globals are the DOM's.
import { readdir, readFile, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Inspector, inspectorUiDir, newToken, startInspector } from '@dispatch/inspector';
import { fixtureTask, tempWorkspace, type FixtureState } from '@dispatch/inspector/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARTIFACTS, describeBrowser, guardedContext, launch } from './browser.js';

const TASKS: [string, FixtureState, string][] = [
  ['config-loader', 'awaiting-answer', 'Migrate config loader to zod v4'],
  ['json-output', 'running', 'Add --json output to dispatch ls'],
  ['plan-parser', 'blocked', 'Refactor plan.md parser'],
  ['watcher-flake', 'failed', 'Flaky test: ipc watcher on macOS'],
  ['e2e-smoke', 'queued', 'Write inspector e2e smoke test'],
  ['bump-xstate', 'completed', 'Bump xstate to 5.33'],
  ['old-idea', 'cancelled', 'An idea dropped'],
];

describeBrowser('inspector page over fixture workspaces', () => {
  let ws: Awaited<ReturnType<typeof tempWorkspace>>;
  let inspector: Inspector;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let offsite: string[];
  let daemonStarts = 0;
  // Tasks a test adds after the others have looked at the list.
  const later: string[] = [];

  beforeAll(async () => {
    ws = await tempWorkspace();
    for (const [i, [id, state, title]] of TASKS.entries())
      await fixtureTask(ws.dispatchDir, id, state, { title, minutesAgo: 3 + i * 7 });
    const uiDir = inspectorUiDir();
    if (!uiDir) throw new Error('the inspector page is not built: run pnpm build');
    inspector = await startInspector({
      dispatchDir: ws.dispatchDir,
      registrations: async () =>
        [...TASKS.map(([id]) => id), ...later].map((id) => ({ id, dispatchDir: ws.dispatchDir })),
      uiDir,
      token: newToken(),
      port: 0,
      ensureDaemon: async () => void (daemonStarts += 1),
      models: async () => [
        { model: 'sim', backend: 'built-in', isDefault: true },
        { model: 'sonnet', backend: 'claude', isDefault: false },
      ],
    });
    browser = await launch();
    ({ context, page, offsite } = await guardedContext(browser));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await inspector?.close();
    await ws?.cleanup();
    expect(offsite).toEqual([]);
  }, 60_000);

  const open = async (hash: string) => {
    await page.goto(`${inspector.url}${hash}`);
    await page.waitForSelector('.task-row');
  };
  const requestsOf = async (id: string) => {
    const dir = join(ws.dispatchDir, 'tasks', id, 'requests');
    return Promise.all(
      (await readdir(dir)).sort().map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as unknown),
    );
  };

  it('lists every task in its state, what needs the user first and loud', async () => {
    await open('');
    const rows = await page.$$eval('.task-row', (els) =>
      els.map((e) => [e.getAttribute('data-task'), e.getAttribute('data-state'), e.classList.contains('needs-user')]),
    );
    expect(Object.fromEntries(rows.map(([id, state]) => [id, state]))).toEqual(
      Object.fromEntries(TASKS.map(([id, state]) => [id, state])),
    );
    const loud = rows.filter((r) => r[2]).map((r) => r[0]);
    expect(loud.sort()).toEqual(['config-loader', 'plan-parser', 'watcher-flake']);
    expect(rows.slice(0, 3).every((r) => r[2])).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'list.png') });
  });

  it('shows each task\'s "needs you" line as the CLI does: the blocked task\'s question and glyph', async () => {
    await open('');
    await page.waitForSelector('[data-testid="needs-you"]');
    const lines = await page.$$eval('[data-testid="task-table"] tr[data-task]', (els) =>
      els.map((e) => [e.getAttribute('data-task'), e.querySelector('[data-testid="needs-you"]')?.textContent ?? null]),
    );
    const byId = Object.fromEntries(lines);
    expect(byId['plan-parser']).toBe('! CommonMark or GFM? No answer came in time.');
    expect(byId['config-loader']).toBe('? #1: Should unknown keys be a hard error or a warning?');
    expect(byId['watcher-flake']).toMatch(/^✗ plan-error: /);
    expect([byId['bump-xstate'], byId['old-idea']]).toEqual([null, null]);
    const glyphs = await page.$$eval('.task-row .attention', (els) =>
      els.map((e) => [e.closest('.task-row')?.getAttribute('data-task'), e.textContent]),
    );
    expect(Object.fromEntries(glyphs)).toEqual({ 'config-loader': '?', 'plan-parser': '!', 'watcher-flake': '✗' });
  });

  it('filters by state', async () => {
    await open('');
    await page.selectOption('[data-testid=state-filter]', 'needs-you');
    await page.waitForFunction(() => document.querySelectorAll('.task-row').length === 3);
    await page.selectOption('[data-testid=state-filter]', 'completed');
    await page.waitForFunction(() => document.querySelectorAll('.task-row').length === 1);
    expect(await page.getAttribute('.task-row', 'data-task')).toBe('bump-xstate');
    expect(new URL(page.url()).hash).toBe('#/?state=completed');
    await open('#/?state=failed');
    await page.waitForFunction(() => document.querySelectorAll('.task-row').length === 1);
    expect(await page.getAttribute('.task-row', 'data-task')).toBe('watcher-flake');
    await page.selectOption('[data-testid=state-filter]', 'all');
  });

  for (const [id, state] of TASKS) {
    it(`deep-links to ${id} and highlights ${state} in the chart`, async () => {
      await open(`#/task/${id}`);
      await page.waitForSelector(`main.task-page[data-task="${id}"]`);
      await page.waitForSelector('[data-current]');
      expect(await page.getAttribute('[data-current]', 'data-state')).toBe(state);
      expect(await page.$$eval('[data-current]', (els) => els.length)).toBe(1);
      const next = await page.$$eval('[data-next]', (els) => els.map((e) => e.getAttribute('data-edge')));
      // From the state itself, or (cancel) from the frame of the live states it is in.
      for (const edge of next)
        expect(
          edge?.startsWith(`${state}->`) ||
            (state !== 'completed' && state !== 'cancelled' && edge === 'live->cancelled'),
        ).toBe(true);
      if (state !== 'completed' && state !== 'cancelled') expect(next).toContain('live->cancelled');
      if (state !== 'queued' && state !== 'cancelled')
        expect(await page.$$eval('[data-last]', (els) => els.length)).toBe(1);
      if (['awaiting-answer', 'blocked', 'failed'].includes(state))
        await page.screenshot({ path: join(ARTIFACTS, `task-${state}.png`), fullPage: true });
    });
  }

  it('shows the machine as it was at a selected event (replayed), and back', async () => {
    await open('#/task/config-loader');
    await page.waitForSelector('[data-current]');
    await page.click('.event[data-type="start"]');
    await page.waitForSelector('[data-testid=historic]');
    expect(await page.getAttribute('[data-current]', 'data-state')).toBe('starting');
    expect(await page.getAttribute('[data-last]', 'data-edge')).toBe('queued->starting');
    await page.click('[data-testid=historic] button');
    await page.waitForSelector('[data-current][data-state="awaiting-answer"]');
  });

  it('keeps a typed answer through live updates, then answers from the page', async () => {
    await open('#/task/config-loader');
    await page.waitForSelector('[data-testid=time-left]');
    expect(await page.textContent('[data-testid=time-left]')).toMatch(/\d+:\d\d left/);
    await page.fill('[data-testid=answer-input]', 'A warning, please');
    await appendFile(join(ws.dispatchDir, 'tasks', 'config-loader', 'worker.log'), 'live line 1\n');
    await page.waitForFunction(() => document.querySelector('[data-testid=log]')?.textContent?.includes('live line 1'));
    expect(await page.inputValue('[data-testid=answer-input]')).toBe('A warning, please');
    await page.click('[data-testid=answer-send]');
    await page.waitForSelector('[data-testid=action-message]');
    expect(await page.textContent('[data-testid=action-message]')).toBe('answered #1 of config-loader');
    expect(await readFile(join(ws.dispatchDir, 'tasks', 'config-loader', 'ipc', '001.answer'), 'utf8')).toBe(
      'A warning, please',
    );
  });

  it('adds a note, retries with another model and cancels from the page', async () => {
    await open('#/task/json-output');
    await page.fill('[data-testid=note-input]', 'the staging database is down');
    await page.click('[data-testid=note-send]');
    await page.waitForSelector('[data-testid=action-message]:has-text("note sent")');
    expect(await requestsOf('json-output')).toEqual([{ type: 'note', text: 'the staging database is down' }]);

    await open('#/task/watcher-flake');
    await page.selectOption('[data-testid=retry-model]', 'sonnet');
    await page.click('[data-testid=retry]');
    await page.waitForSelector('[data-testid=action-message]:has-text("retrying")');
    expect(await requestsOf('watcher-flake')).toEqual([{ type: 'retry', model: 'sonnet' }]);

    await open('#/task/e2e-smoke');
    await page.click('[data-testid=cancel]');
    await page.waitForSelector('[data-testid=action-message]:has-text("cancelling")');
    expect(await requestsOf('e2e-smoke')).toEqual([{ type: 'cancel' }]);
    expect(await page.isDisabled('[data-testid=retry]')).toBe(true);
    expect(daemonStarts).toBeGreaterThanOrEqual(3);
  });

  it('continues a blocked task with the answer and another model', async () => {
    await open('#/task/plan-parser');
    await page.selectOption('[data-testid=retry-model]', 'sonnet');
    await page.fill('[data-testid=answer-input]', 'GFM');
    await page.click('[data-testid=answer-send]');
    await page.waitForSelector('[data-testid=action-message]:has-text("continuing plan-parser with sonnet")');
    expect(await requestsOf('plan-parser')).toEqual([{ type: 'continue', answer: 'GFM', model: 'sonnet' }]);
  });

  it('offers a budget raise, not an answer, to a task blocked on its budget, and counts quota waits down in the table', async () => {
    await fixtureTask(ws.dispatchDir, 'over-budget', 'blocked', { limit: { kind: 'budget', spent: 1.02, limit: 1 } });
    await fixtureTask(ws.dispatchDir, 'resting', 'queued', {
      limit: { kind: 'quota', resetAt: Date.now() + 3_600_000 },
    });
    later.push('over-budget', 'resting');
    await open('');
    await page.waitForSelector('tr[data-task="resting"] [data-testid=quota-countdown]');
    expect(await page.textContent('tr[data-task="resting"] [data-testid=needs-you]')).toMatch(
      /^◷ waiting for quota — resets in (?:1:00:00|59:\d\d), at /,
    );
    await open('#/task/over-budget');
    await page.waitForSelector('[data-testid=limit-block][data-kind="budget"]');
    expect(await page.isVisible('[data-testid=answer-input]')).toBe(false);
    expect(await page.textContent('.raise-form label')).toContain('New budget (US dollars; was $1.00)');
    expect(await page.inputValue('[data-testid=raise-limit-input]')).toBe('2.00');
    await page.fill('[data-testid=raise-limit-input]', '0');
    expect(await page.isDisabled('[data-testid=raise-limit]')).toBe(true);
    await page.fill('[data-testid=raise-limit-input]', '2.5');
    await page.screenshot({ path: join(ARTIFACTS, 'task-blocked-on-budget.png'), fullPage: true });
    await page.click('[data-testid=raise-limit]');
    await page.waitForSelector(
      '[data-testid=action-message]:has-text("continuing over-budget: budget raised to $2.50")',
    );
    expect(await requestsOf('over-budget')).toEqual([{ type: 'continue', budgetUsd: 2.5 }]);
  });

  it('copies the chart as Mermaid', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await open('#/task/bump-xstate');
    await page.click('[data-testid=copy-mermaid]');
    await page.waitForSelector('[data-testid=copy-mermaid]:has-text("copied")');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(
      /^stateDiagram-v2\n {2}\[\*\] --> queued/,
    );
  });

  it('refuses a request without the token', async () => {
    const bare = await browser.newContext();
    try {
      const base = inspector.url.replace(/\?token=.*/, '');
      for (const path of ['', 'api/tasks', 'api/chart', `api/tasks/x/y`]) {
        expect((await bare.request.get(`${base}${path}`)).status()).toBe(401);
      }
      const post = await bare.request.post(`${base}api/tasks/0000000000000000/json-output/cancel`, { data: {} });
      expect(post.status()).toBe(401);
    } finally {
      await bare.close();
    }
  });
});
