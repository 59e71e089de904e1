import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendNote } from './edit.js';
import { countNote } from './note.js';
import { parsePlan } from './parse.js';

// A real separate process rewrites plan.md ~100 times a second while 50 notes go in.
const worker = fileURLToPath(new URL('../../test/fixtures/plans/workers/toggle-marks.mjs', import.meta.url));
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dispatch-plan-race-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface WorkerReport {
  writes: number;
  lost: number;
  marks: string[];
}

async function raceNotes(
  mode: 'atomic' | 'in-place',
): Promise<{ text: string; report: WorkerReport; retries: number }> {
  const plan = join(dir, 'plan.md');
  const steps = [1, 2, 3, 4, 5].map((n) => `- [ ] step ${n}\n`).join('');
  await writeFile(plan, `# Race\n<!-- worker-rev: 0 -->\n\n${steps}`);
  const child = spawn(process.execPath, [worker, plan, mode, '10'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = once(child, 'exit');
  try {
    await new Promise<void>((ready) => child.stdout.on('data', () => out.includes('ready\n') && ready()));
    let retries = 0;
    const ids = Array.from({ length: 50 }, (_, i) => `note-${i}`);
    const results = await Promise.all(
      ids.map((id) => appendNote(plan, id, `text of ${id} — keep`, { onRetry: () => retries++ })),
    );
    expect(results.every((r) => r === 'added')).toBe(true);
    child.stdin.end();
    const [code] = await exited;
    expect(code).toBe(0);
    const report = JSON.parse(out.trim().split('\n').at(-1) ?? '') as WorkerReport;
    return { text: await readFile(plan, 'utf8'), report, retries };
  } finally {
    child.kill();
  }
}

function expectIntact(text: string, report: WorkerReport): void {
  const plan = parsePlan(text);
  for (let i = 0; i < 50; i++) expect(countNote(text, `note-${i}`), `note-${i}`).toBe(1);
  expect(plan.notes).toEqual(Array.from({ length: 50 }, (_, i) => `text of note-${i} — keep`));
  expect(plan.items.map((item) => item.box)).toEqual(report.marks);
  expect(text).toContain(`<!-- worker-rev: ${report.writes} -->`);
}

describe('appendNote against a live worker process', () => {
  it('keeps every note exactly once and the worker’s marks, with an atomic-rename worker', async () => {
    const { text, report, retries } = await raceNotes('atomic');
    // The worker must really have been writing while the notes went in (~2.5 s at 100 writes/s).
    expect(report.writes).toBeGreaterThan(20);
    expectIntact(text, report);
    console.info(`atomic worker: ${report.writes} writes, ${report.lost} lost, ${retries} note retries`);
  }, 60_000);

  it('does the same with a worker that overwrites plan.md in place', async () => {
    const { text, report, retries } = await raceNotes('in-place');
    expect(report.writes).toBeGreaterThan(20);
    expectIntact(text, report);
    console.info(`in-place worker: ${report.writes} writes, ${report.lost} lost, ${retries} note retries`);
  }, 60_000);
});
