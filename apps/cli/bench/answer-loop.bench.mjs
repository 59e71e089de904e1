#!/usr/bin/env node
// The answer loop end to end, beside the reference's design measured in the same run:
//   a worker asks (`"$DISPATCH_BIN" ask "..."`, the worker contract) → a scripted user, running
//   `dispatch wait ID --json` in a loop as a host agent does, runs `dispatch answer ID "..."` as
//   soon as wait reports the question → the worker's `ask` prints the answer. p50/p95/p99 over 200
//   questions (one task, one question after another), split into asked → wait returned → answer
//   on disk → worker saw it.
//   The reference (a Claude Code skill, seed/dispatch-digest.md): its worker writes NNN.question
//   (temp file + mv) and polls for NNN.answer; a monitor script polls ipc/ every 3 s and exits
//   when a question is unanswered; the dispatcher then writes the answer (temp file + mv) and
//   respawns the monitor. Modelled below with real processes and the reference's own monitor
//   script (`referenceMonitor`), over 20 questions (each takes about 3 s).
// Neither side counts a human's or a host model's thinking time: the user answers at once.
// Linux (bash ≥ 5 for $EPOCHREALTIME). Run: pnpm build && node apps/cli/bench/answer-loop.bench.mjs
// (about 2 min 15 s on 2 cores).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// DISPATCH_BENCH_BIN measures another build (a dist kept aside) in the same run's conditions.
const bin = resolve(process.env.DISPATCH_BENCH_BIN ?? new URL('../dist/dispatch.js', import.meta.url).pathname);
const QUESTIONS = Number(process.env.DISPATCH_BENCH_QUESTIONS ?? 200);
const REFERENCE_QUESTIONS = Number(process.env.DISPATCH_BENCH_REFERENCE_QUESTIONS ?? 20);
/** The reference's monitor sleeps 3 s between looks (the monitor script of its SKILL.md). */
const REFERENCE_MONITOR_POLL_S = 3;
/**
 * How often the reference worker looks for its answer. Its prompt says only "poll for a matching
 * .answer file"; an AI worker writes a shell loop, and `sleep 1` is the tightest one it commonly
 * writes. (It barely matters: the respawned monitor's 3 s sleep decides the loop's pace.)
 */
const REFERENCE_WORKER_POLL_S = 1;
/** Longest any one command of the loop may take before the bench gives up. */
const COMMAND_TIMEOUT_MS = 60_000;

const epoch = spawnSync('bash', ['-c', 'echo "$EPOCHREALTIME"'], { encoding: 'utf8' }).stdout?.trim() ?? '';
if (!/^\d+[.,]\d+$/.test(epoch)) {
  console.log('answer-loop bench: skipped, it needs bash ≥ 5 ($EPOCHREALTIME) to stamp the workers');
  process.exit(0);
}

const root = mkdtempSync(join(tmpdir(), 'dispatch-bench-answer-loop-'));
const home = join(root, 'home');
const cwd = join(root, 'ws');
mkdirSync(home);
mkdirSync(cwd);
const env = { ...process.env, DISPATCH_HOME: home, DISPATCH_DAEMON_IDLE_MS: '600000', NO_COLOR: '1' };
/** Wall-clock time in ms with a fraction, comparable with bash's $EPOCHREALTIME in the workers. */
const now = () => performance.timeOrigin + performance.now();
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(7);
const pad = (n) => String(n).padStart(3, '0');

// Everything started here is ended on the way out, on failure and Ctrl-C too.
const children = new Set();
const groups = new Set();
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const child of children) child.kill('SIGKILL');
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  spawnSync(process.execPath, [bin, 'daemon', 'stop'], { cwd, env, timeout: 15_000 });
  // The dispatch worker runs in its own process group (the worker contract); its pid is on record.
  const tasks = join(cwd, '.dispatch/tasks');
  for (const id of existsSync(tasks) ? readdirSync(tasks) : []) {
    const attempts = join(tasks, id, 'attempts');
    for (const name of existsSync(attempts) ? readdirSync(attempts) : []) {
      if (!name.endsWith('.pid')) continue;
      try {
        process.kill(-Number(readFileSync(join(attempts, name), 'utf8').split(' ')[0]), 'SIGKILL');
      } catch {}
    }
  }
  rmSync(root, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });

/** Runs a command to its end; resolves with its output and when (now()) it returned. */
function run(file, args, options = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(file, args, {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: COMMAND_TIMEOUT_MS,
      ...options,
    });
    children.add(child);
    if (options.detached) groups.add(child.pid);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const at = now();
      children.delete(child);
      groups.delete(child.pid);
      resolveRun({ code, stdout, stderr, at });
    });
  });
}
const dispatch = (args) => run(process.execPath, [bin, ...args]);
const must = (result, what) => {
  if (result.code !== 0) throw new Error(`bench: ${what} exited ${result.code}: ${result.stderr.trim()}`);
  return result;
};

/** When each `NNN.question` / `NNN.answer` appeared in `ipcDir`, as inotify tells this process. */
function stampFiles(ipcDir) {
  const seen = new Map();
  const watcher = watch(ipcDir, (_event, name) => {
    if (name !== null && /^\d{3}\.(question|answer)$/.test(name) && !seen.has(name)) seen.set(name, now());
  });
  return { seen, close: () => watcher.close() };
}

/** The lines "SEQ ASKED_US SEEN_US" a worker wrote: when it asked, when it had the answer (ms). */
function readStamps(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').map(Number))
    .map(([seq, asked, seen]) => ({ seq, asked: asked / 1000, seen: seen / 1000 }));
}

/** Each question's worker stamps joined with when its files landed and when the user was told. */
function timeline(stamps, files, reported) {
  return stamps.map((s) => ({
    ...s,
    published: files.seen.get(`${pad(s.seq)}.question`),
    reported: reported.get(s.seq),
    answered: files.seen.get(`${pad(s.seq)}.answer`),
  }));
}

async function until(probe, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`bench: ${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

// ─── dispatch ────────────────────────────────────────────────────────────────
// The worker: a test double of an AI CLI, configured as a generic backend (the prompt comes last
// and is ignored). It asks one question after another as the worker contract says, stamping each
// with $EPOCHREALTIME (no fork) before it runs `ask` and when `ask` has printed the answer.
const worker = join(root, 'answer-loop-worker.sh');
writeFileSync(
  worker,
  `#!/usr/bin/env bash
set -u
n=$1
stamps="$DISPATCH_TASK_DIR/answer-loop.stamps"
for ((i = 1; i <= n; i++)); do
  asked=\${EPOCHREALTIME//[.,]/}
  answer=$("$DISPATCH_BIN" ask "question $i of $n?") || { echo "ask $i failed" >&2; exit 1; }
  seen=\${EPOCHREALTIME//[.,]/}
  [ "$answer" = "answer $i" ] || { echo "question $i got: $answer" >&2; exit 1; }
  echo "$i $asked $seen" >> "$stamps"
done
sed 's/^- \\[ \\]/- [x]/' "$DISPATCH_PLAN" > "$DISPATCH_PLAN.tmp" && mv "$DISPATCH_PLAN.tmp" "$DISPATCH_PLAN"
: > "$DISPATCH_IPC_DIR/.done"
`,
);
writeFileSync(
  join(home, 'config.yaml'),
  [
    'default: loop',
    'backends:',
    '  answer-loop:',
    `    command: bash ${worker} ${QUESTIONS}`,
    'models:',
    '  loop: { backend: answer-loop }',
    '',
  ].join('\n'),
);

/** One task, QUESTIONS questions; the user: `wait ID --json`, then `answer ID TEXT`, in a loop. */
async function dispatchLoop() {
  const id = 'answer-loop';
  must(await dispatch(['run', '--model', 'loop', '--id', id, '--step', `ask ${QUESTIONS} questions`, 'bench']), 'run');
  const taskDir = join(cwd, '.dispatch/tasks', id);
  const files = stampFiles(join(taskDir, 'ipc'));
  const reported = new Map();
  try {
    for (let k = 1; k <= QUESTIONS; k++) {
      const waited = must(await dispatch(['wait', id, '--json']), 'wait');
      const condition = JSON.parse(waited.stdout);
      if (condition.type !== 'question' || condition.seq !== k)
        throw new Error(`bench: wait reported ${waited.stdout.trim()}, not question ${k}`);
      reported.set(k, waited.at);
      must(await dispatch(['answer', id, `answer ${k}`]), 'answer');
    }
    const stamps = join(taskDir, 'answer-loop.stamps');
    await until(() => readStamps(stamps).length === QUESTIONS, 30_000, 'the worker saw every answer');
    const end = JSON.parse(must(await dispatch(['wait', id, '--json']), 'wait').stdout);
    if (end.type !== 'completed') throw new Error(`bench: the task ended ${end.type}, not completed`);
    return timeline(readStamps(stamps), files, reported);
  } finally {
    files.close();
  }
}

// ─── The reference's design, with real processes ─────────────────────────────
// Its worker, as its worker prompt says: question by temp file + mv (number: count + 1), poll for
// the answer, NNN.done; stamped as above.
const referenceWorker = join(root, 'reference-worker.sh');
writeFileSync(
  referenceWorker,
  `#!/usr/bin/env bash
set -u
n=$1 ipc=$2 stamps=$3
shopt -s nullglob
for ((i = 1; i <= n; i++)); do
  asked=\${EPOCHREALTIME//[.,]/}
  questions=("$ipc"/*.question)
  seq=$(printf '%03d' $(( \${#questions[@]} + 1 )))
  echo "question $i of $n?" > "$ipc/$seq.question.tmp" && mv "$ipc/$seq.question.tmp" "$ipc/$seq.question"
  while [ ! -f "$ipc/$seq.answer" ]; do sleep ${REFERENCE_WORKER_POLL_S}; done
  seen=\${EPOCHREALTIME//[.,]/}
  : > "$ipc/$seq.done"
  echo "$i $asked $seen" >> "$stamps"
done
: > "$ipc/.done"
`,
);
// Its monitor, as its SKILL.md writes it to /tmp/monitor--<task-id>.sh (the folder as an argument).
const referenceMonitorScript = join(root, 'reference-monitor.sh');
writeFileSync(
  referenceMonitorScript,
  `#!/bin/bash
IPC_DIR="$1"
TIMEOUT=1800  # 30 minutes
START=$(date +%s)
shopt -s nullglob
while true; do
  [ -f "$IPC_DIR/.done" ] && exit 0
  for q in "$IPC_DIR"/*.question; do
    seq=$(basename "$q" .question)
    [ ! -f "$IPC_DIR/\${seq}.answer" ] && exit 0
  done
  ELAPSED=$(( $(date +%s) - START ))
  [ "$ELAPSED" -ge "$TIMEOUT" ] && exit 1
  sleep ${REFERENCE_MONITOR_POLL_S}
done
`,
);

/** The reference's monitor: a background `bash monitor.sh`; its exit is the dispatcher's notification. */
const referenceMonitor = (ipcDir) => run('bash', [referenceMonitorScript, ipcDir], { detached: true });

/** One task, REFERENCE_QUESTIONS questions; the dispatcher answers when the monitor exits, then respawns it. */
async function referenceLoop() {
  const taskDir = join(root, 'reference/.dispatch/tasks/answer-loop');
  const ipcDir = join(taskDir, 'ipc');
  mkdirSync(ipcDir, { recursive: true });
  const stamps = join(taskDir, 'answer-loop.stamps');
  const files = stampFiles(ipcDir);
  const reported = new Map();
  // The dispatcher starts the worker and the monitor together.
  const workerDone = run('bash', [referenceWorker, String(REFERENCE_QUESTIONS), ipcDir, stamps], {
    detached: true,
    timeout: undefined,
  });
  try {
    for (let k = 1; k <= REFERENCE_QUESTIONS; k++) {
      const notified = await referenceMonitor(ipcDir);
      if (notified.code !== 0) throw new Error(`bench: the reference monitor exited ${notified.code}`);
      // The dispatcher finds the unanswered question, writes its answer (temp file + mv), and
      // respawns the monitor (the next turn of this loop).
      const names = readdirSync(ipcDir);
      const seq = names
        .filter((n) => /^\d{3}\.question$/.test(n))
        .map((n) => n.slice(0, 3))
        .find((s) => !names.includes(`${s}.answer`));
      if (seq !== pad(k)) throw new Error(`bench: the reference monitor reported ${seq}, not ${pad(k)}`);
      reported.set(k, notified.at);
      const file = join(ipcDir, `${seq}.answer`);
      must(await run('sh', ['-c', `echo "answer ${k}" > "${file}.tmp" && mv "${file}.tmp" "${file}"`]), 'answer');
    }
    must(await workerDone, 'the reference worker');
    return timeline(readStamps(stamps), files, reported);
  } finally {
    files.close();
  }
}

// ─── Measure, then print each figure beside the reference's ───────────────────
const load = loadavg();
const nodeZero = median(
  Array.from({ length: 10 }, () => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return ms(t);
  }),
);
let t = Date.now();
const ours = await dispatchLoop();
const oursSeconds = (Date.now() - t) / 1000;
t = Date.now();
const theirs = await referenceLoop();
const theirsSeconds = (Date.now() - t) / 1000;

const spans = (rows) => ({
  total: rows.map((r) => r.seen - r.asked),
  reported: rows.map((r) => r.reported - r.asked),
  published: rows.map((r) => r.published - r.asked),
  noticed: rows.map((r) => r.reported - r.published),
  answered: rows.map((r) => r.answered - r.reported),
  seen: rows.map((r) => r.seen - r.answered),
});
const a = spans(ours);
const b = spans(theirs);
const ps = (xs) => [50, 95, 99].map((p) => fmt(pct(xs, p))).join('');
const row = (name, xs, ys) => console.log(`${name.padEnd(50)}${ps(xs)} ms ${ps(ys)} ms`);
console.log('\nthe answer loop: a worker asks → the user answers as soon as told → the worker has the answer');
console.log(
  `load average ${load.map((x) => x.toFixed(2)).join(' ')}; node -e 0 ${nodeZero.toFixed(1)} ms (median of 10, the anchor)`,
);
console.log(
  `dispatch:  ${ours.length} questions, 1 task, one after another (${oursSeconds.toFixed(0)} s): \`"$DISPATCH_BIN" ask\`; the user runs \`wait ID --json\`, then \`answer ID\``,
);
console.log(
  `reference: ${theirs.length} questions, 1 task (${theirsSeconds.toFixed(0)} s): monitor polls every ${REFERENCE_MONITOR_POLL_S} s, respawned after each answer; worker polls every ${REFERENCE_WORKER_POLL_S} s`,
);
console.log(`${''.padEnd(50)}${'dispatch  p50    p95    p99'.padStart(24)}    ${'reference p50    p95    p99'}`);
row('asked → worker saw the answer', a.total, b.total);
row('  asked → wait returned (reference: monitor exited)', a.reported, b.reported);
row('    asked → question on disk', a.published, b.published);
row('    question on disk → wait returned', a.noticed, b.noticed);
row('  wait returned → answer on disk', a.answered, b.answered);
row('  answer on disk → worker saw it', a.seen, b.seen);
console.log(
  `(reference p99 over ${theirs.length} questions is their maximum; "on disk": the rename seen by inotify in the bench)`,
);
