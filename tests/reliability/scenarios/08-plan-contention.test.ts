import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, onTestFinished } from 'vitest';
import { parsePlan, readEventLog, taskPaths } from '@dispatch/ipc-fs';
import { printFigures, since } from './support/figures.js';
import { scenarioWorkspace, until } from './support/workspace.js';

// Scenario 8, plan.md contention: a worker rewrites plan.md 100 times a second for 30 s — whole
// file via temp+rename and in place, sometimes from its own stale copy — while 200 notes are
// added with `dispatch note`. Every note must end up in plan.md exactly once, and every mark the
// worker made must be there.
const ITEMS = 3000;
const NOTES = 200;
const HZ = 100;
const SECONDS = 30;
const CLI_CONCURRENCY = 4;

const rewriter = new URL('./support/workers/plan-rewriter.mjs', import.meta.url).pathname;
const ws = scenarioWorkspace('plan-contention');
afterAll(() => ws.dispose());

const noteText = (n: number) => `note-${String(n).padStart(3, '0')} from the contention scenario`;
const itemName = (n: number) => `item-${String(n).padStart(4, '0')}`;

/** How often each note's text appears as a dispatcher note in `text`. */
function noteCounts(text: string): number[] {
  const counts = new Array<number>(NOTES).fill(0);
  for (const line of parsePlan(text).lines) {
    const m = line.kind === 'note' ? /note-(\d{3}) from the contention scenario/.exec(line.text) : null;
    if (m) counts[Number(m[1]) - 1]! += 1;
  }
  return counts;
}

it(`keeps ${NOTES} notes and every worker mark while plan.md is rewritten ${HZ}×/s for ${SECONDS} s`, async () => {
  const started = performance.now();
  ws.writeConfig(
    // Its settings come in REWRITE_*, which no worker gets unless its backend names them.
    `default: rewriter\nbackends:\n  rewriter: { command: "node ${rewriter}", env: [REWRITE_HZ, REWRITE_SECONDS, REWRITE_REPORT, REWRITE_UNTIL] }\nmodels:\n  rewriter: { backend: rewriter }\n`,
  );
  const planFile = join(ws.home, 'contention-plan.md');
  const items = Array.from({ length: ITEMS }, (_, i) => `- [ ] ${itemName(i + 1)}`);
  writeFileSync(planFile, `# Plan contention\n\n${items.join('\n')}\n`);
  const report = join(ws.home, 'rewriter-report.json');
  // The worker goes on until every note was sent (a loaded machine may need more than 30 s).
  const notesSent = join(ws.home, 'notes-sent');
  const env = {
    REWRITE_HZ: String(HZ),
    REWRITE_SECONDS: String(SECONDS),
    REWRITE_REPORT: report,
    REWRITE_UNTIL: notesSent,
  };
  const run = await ws.dispatch(
    ['run', '--model', 'rewriter', '--id', 'contention', '--plan', planFile, 'plan contention'],
    { env },
  );
  expect(run.exitCode, String(run.stderr)).toBe(0);
  const paths = taskPaths(ws.dispatchDir, 'contention');
  await until(() => readFileSync(paths.plan, 'utf8').includes('- [x] '), 60_000, 'the worker to start marking');

  // How long each note takes from its command's return to plan.md (watched ten times a second).
  const sentAt = new Map<number, number>();
  const landed = new Map<number, number>();
  const look = () => {
    const counts = noteCounts(readFileSync(paths.plan, 'utf8'));
    const now = performance.now();
    counts.forEach(
      (c, i) => c > 0 && sentAt.has(i + 1) && !landed.has(i + 1) && landed.set(i + 1, now - sentAt.get(i + 1)!),
    );
  };
  const watcher = setInterval(look, 100);
  onTestFinished(() => clearInterval(watcher)); // also when an assertion failed half-way

  // The notes, through the built CLI, a few at a time.
  const latencies: number[] = [];
  let next = 1;
  const sender = async () => {
    while (next <= NOTES) {
      const n = next++;
      const t = performance.now();
      const r = await ws.dispatch(['note', 'contention', noteText(n)]);
      latencies.push(since(t));
      sentAt.set(n, performance.now());
      expect([r.exitCode, r.stderr], `note ${n}`).toEqual([0, '']);
    }
  };
  await Promise.all(Array.from({ length: CLI_CONCURRENCY }, sender));
  writeFileSync(notesSent, '');
  const notesSentMs = since(started);

  await until(async () => (await ws.state('contention')) === 'completed', 180_000, 'the task to complete');
  // A stale rewrite just before the exit may have dropped a note: the daemon puts it back.
  const settle = performance.now();
  const drained = () => readdirSync(paths.requests).length === 0;
  await until(
    () => drained() && noteCounts(readFileSync(paths.plan, 'utf8')).every((c) => c === 1),
    30_000,
    'every note applied, exactly once',
  ).catch(() => undefined);
  await ws.dispatch(['daemon', 'stop']); // its last log lines are written before it exits
  const settleMs = since(settle);
  clearInterval(watcher);
  look(); // the last notes may have landed together since the last look
  const landing = [...landed.values()].sort((a, b) => a - b);
  const pct = (q: number) => Math.round(landing[Math.min(landing.length - 1, Math.floor(landing.length * q))] ?? NaN);

  const text = readFileSync(paths.plan, 'utf8');
  const counts = noteCounts(text);
  const worker = JSON.parse(readFileSync(report, 'utf8')) as {
    writes: number;
    renamed: number;
    inPlace: number;
    stale: number;
    pauses: number;
    marks: number;
    ms: number;
  };
  const plan = parsePlan(text);
  const wrongMarks = plan.items.filter(
    (item, i) => item.mark !== 'done' || item.text !== itemName(i + 1) || item.note !== `w${i + 1}`,
  );
  const { events } = await readEventLog(paths.events);
  const firstLost = plan.items.findIndex((item, i) => item.mark !== 'done' || item.note !== `w${i + 1}`);
  latencies.sort((a, b) => a - b);
  printFigures('08 plan.md contention', {
    'worker writes': `${worker.writes} in ${worker.ms} ms (${worker.renamed} temp+rename, ${worker.inPlace} in place, ${worker.stale} from a stale copy, ${worker.pauses} after a pause)`,
    'worker marks': `${worker.marks} made, ${ITEMS - wrongMarks.length}/${ITEMS} items present as made`,
    // Mark k is the worker's write k (one mark a write), odd writes in place, even ones by rename.
    'first mark lost':
      firstLost === -1
        ? 'none'
        : `item ${firstLost + 1} (written ${(firstLost + 1) % 2 === 0 ? 'by temp+rename' : 'in place'})`,
    'notes sent': `${NOTES} via \`dispatch note\` (${CLI_CONCURRENCY} at a time) in ${notesSentMs} ms`,
    'note command p50 / max': `${latencies[Math.floor(NOTES / 2)]} ms / ${latencies.at(-1)} ms`,
    'notes in plan.md': `${counts.filter((c) => c === 1).length} exactly once, ${counts.filter((c) => c === 0).length} missing, ${counts.filter((c) => c > 1).length} doubled`,
    'note in plan.md after its command, p50 / p90 / max': `${pct(0.5)} / ${pct(0.9)} / ${pct(1)} ms (${landing.length} seen)`,
    'note.added events logged': events.filter((e) => e.type === 'note.added').length,
    'notes put back by the daemon': events.filter((e) => e.type === 'note.restored').length,
    'settle after completion': `${settleMs} ms`,
    'log events': events.length,
    'wall time': `${since(started)} ms`,
  });
  expect(counts.filter((c) => c !== 1)).toEqual([]);
  expect(events.filter((e) => e.type === 'note.added')).toHaveLength(NOTES);
  expect(worker.marks).toBe(ITEMS);
  expect(worker.writes).toBeGreaterThanOrEqual(HZ * SECONDS * 0.5); // it really was rewriting (wide margin for a loaded machine)
  expect(wrongMarks.map((i) => `${i.text} ${i.mark} ${i.note}`)).toEqual([]);
  expect(plan.items).toHaveLength(ITEMS);
});
