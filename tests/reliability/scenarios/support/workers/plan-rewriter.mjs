#!/usr/bin/env node
// A worker double for plan.md contention: marks one checklist item per write, REWRITE_HZ times a
// second for REWRITE_SECONDS, as real worker CLIs do — half the writes whole-file via temp+rename,
// half in place (truncate and write). Usually it edits what it just read, but in bursts it edits
// its own older copy (an agent editing the file from its context), which drops whatever someone
// else added meanwhile: that is what dispatcher notes must survive. It goes on past REWRITE_SECONDS
// until REWRITE_UNTIL (a file) exists — rewriting the file unchanged once every item is marked —
// then marks the rest, touches ipc/.done, writes a report and exits 0.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const plan = process.env.DISPATCH_PLAN;
const ipc = process.env.DISPATCH_IPC_DIR;
const hz = Number(process.env.REWRITE_HZ ?? 100);
const seconds = Number(process.env.REWRITE_SECONDS ?? 30);
const report = process.env.REWRITE_REPORT;
const untilFile = process.env.REWRITE_UNTIL;

const ITEM = /^- \[ \] (item-\d+)$/m;
let mine = readFileSync(plan, 'utf8');
let staleLeft = 0;
const counts = { writes: 0, renamed: 0, inPlace: 0, stale: 0, pauses: 0, marks: 0 };

/** Marks the first open item of `text` done with the write's number as its note. */
function markNext(text) {
  const m = ITEM.exec(text);
  if (!m) return text;
  counts.marks += 1;
  return text.slice(0, m.index) + `- [x] ${m[1]} — w${counts.marks}` + text.slice(m.index + m[0].length);
}

function write(text) {
  counts.writes += 1;
  if (counts.writes % 2 === 0) {
    const tmp = `${plan}.rewriter-${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, plan);
    counts.renamed += 1;
  } else {
    writeFileSync(plan, text); // in place: O_TRUNC, then the bytes
    counts.inPlace += 1;
  }
}

async function step() {
  if (staleLeft === 0 && Math.random() < 0.03) {
    staleLeft = 5 + Math.floor(Math.random() * 25);
    // Sometimes it "thinks" between reading and writing, longer than a note's writer watches.
    if (Math.random() < 0.3) {
      counts.pauses += 1;
      await new Promise((r) => setTimeout(r, 60 + Math.random() * 200));
    }
  }
  if (staleLeft > 0) {
    staleLeft -= 1;
    counts.stale += 1;
  } else {
    mine = readFileSync(plan, 'utf8');
  }
  mine = markNext(mine);
  write(mine);
}

const start = Date.now();
const period = 1000 / hz;
let next = start;
// Waits for REWRITE_UNTIL 5 minutes at most: a test that failed half-way must not leave it running.
const waiting = () => untilFile && !existsSync(untilFile) && Date.now() - start < 300_000;
while (Date.now() - start < seconds * 1000 || waiting()) {
  await step();
  next += period;
  const wait = next - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
// The rest in one last edit of a fresh read, then done.
mine = readFileSync(plan, 'utf8');
while (ITEM.test(mine)) mine = markNext(mine);
write(mine);
writeFileSync(join(ipc, '.done'), '');
if (report) writeFileSync(report, JSON.stringify({ ...counts, ms: Date.now() - start }));
