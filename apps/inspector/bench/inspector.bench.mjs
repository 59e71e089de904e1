#!/usr/bin/env node
// Inspector benchmarks: time to first render of the list with 200 tasks (goal ≤ 1 s),
// change-to-screen latency from a file write to the page showing it (goal p95 ≤ 200 ms), and the
// size of what the browser loads. Needs the build (dist/) and Debian's Chromium; without the
// browser only the sizes and the server's answer times are printed.
// Run: pnpm build && node apps/inspector/bench/inspector.bench.mjs
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startInspector } from '../dist/server/http-server.js';
import { newToken } from '../dist/server/request-guard.js';
import { inspectorUiDir } from '../dist/server/ui-dir.js';
import { fixtureTask, tempWorkspace } from '../dist/testing/fixture-task.js';

const CHROMIUM = process.env.DISPATCH_CHROMIUM ?? '/usr/bin/chromium';
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const row = (name, value, unit, goal = '') =>
  console.log(
    `${name.padEnd(52)}${(value >= 100 ? value.toFixed(0) : value.toFixed(1)).padStart(8)} ${unit.padEnd(3)} ${goal}`,
  );

const uiDir = inspectorUiDir();
if (!uiDir) throw new Error('bench: build first (pnpm build)');
let raw = 0;
let gz = 0;
for (const name of readdirSync(join(uiDir, 'assets'))) {
  const body = readFileSync(join(uiDir, 'assets', name));
  raw += body.length;
  gz += gzipSync(body).length;
}
const html = readFileSync(join(uiDir, 'index.html'));
row('page shipped to the browser (html+js+css), raw', (raw + html.length) / 1024, 'KiB');
row('page shipped to the browser, gzip', (gz + gzipSync(html).length) / 1024, 'KiB');

const ws = await tempWorkspace();
const states = ['running', 'awaiting-answer', 'blocked', 'failed', 'completed', 'queued', 'cancelled'];
for (let i = 0; i < 200; i++)
  await fixtureTask(ws.dispatchDir, `task-${String(i).padStart(3, '0')}`, states[i % states.length], {
    title: `Benchmark task number ${i}`,
  });
const inspector = await startInspector({
  dispatchDir: ws.dispatchDir,
  registrations: async () => [],
  uiDir,
  token: newToken(),
  port: 0,
  ensureDaemon: async () => undefined,
  models: async () => [],
});
const headers = { 'x-dispatch-token': inspector.url.split('token=')[1] };
const api = async (path) => {
  const t = performance.now();
  await (await fetch(`http://127.0.0.1:${inspector.port}${path}`, { headers })).text();
  return performance.now() - t;
};
await api('/api/tasks');
const listTimes = [];
for (let i = 0; i < 10; i++) listTimes.push(await api('/api/tasks'));
row('GET /api/tasks, 200 tasks (median of 10)', pct(listTimes, 50), 'ms');
const chartCold = await api('/api/chart');
row('GET /api/chart, first (the built chart.json)', chartCold, 'ms');
row('GET /api/chart, again', await api('/api/chart'), 'ms');

try {
  if (!existsSync(CHROMIUM)) {
    console.log(`(no Chromium at ${CHROMIUM}: browser figures skipped)`);
  } else {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
    const firsts = [];
    for (let i = 0; i < 5; i++) {
      const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const t = performance.now();
      await fresh.goto(`${inspector.url}#/`);
      await fresh.waitForFunction(() => document.querySelectorAll('.task-row').length === 200, undefined, {
        polling: 5,
      });
      firsts.push(performance.now() - t);
      await fresh.close();
    }
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    row('first render of the list, 200 tasks (median of 5)', pct(firsts, 50), 'ms', 'goal ≤ 1000');
    await page.goto(`${inspector.url}#/task/task-000`);
    await page.waitForSelector('[data-current]');
    await page.waitForSelector('[data-testid=live-dot].on');
    const lat = [];
    const log = join(ws.dispatchDir, 'tasks', 'task-000', 'worker.log');
    for (let i = 0; i < 40; i++) {
      const mark = `bench-line-${i}`;
      const seen = page.waitForFunction(
        (m) => document.querySelector('[data-testid=log]')?.textContent?.includes(m),
        mark,
        { polling: 5 },
      );
      const t = performance.now();
      await appendFile(log, `${mark}\n`);
      await seen;
      lat.push(performance.now() - t);
    }
    row('change to screen: worker.log line, p50 (40 changes)', pct(lat, 50), 'ms');
    row('change to screen: worker.log line, p95', pct(lat, 95), 'ms', 'goal ≤ 200');
    const qlat = [];
    for (let i = 1; i <= 10; i++) {
      const id = `task-${String(i * 7).padStart(3, '0')}`; // running tasks
      await page.goto(`${inspector.url}#/task/${id}`);
      await page.waitForSelector('[data-current][data-state="running"]');
      await page.waitForSelector('[data-testid=live-dot].on');
      const seen = page.waitForSelector('[data-current][data-state="awaiting-answer"]', { state: 'attached' });
      const t = performance.now();
      await writeFile(join(ws.dispatchDir, 'tasks', id, 'ipc', '001.question'), 'why?\n');
      await seen;
      qlat.push(performance.now() - t);
    }
    row('change to screen: question → chart, p50 (10)', pct(qlat, 50), 'ms');
    row('change to screen: question → chart, p95', pct(qlat, 95), 'ms', 'goal ≤ 200');
    await browser.close();
  }
} finally {
  await inspector.close();
  await ws.cleanup();
}
