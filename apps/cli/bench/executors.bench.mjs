#!/usr/bin/env node
// Executors, local beside Slurm in one run and one daemon (the acceptance point):
//   worker started after `run` (run called → the attempt's pid record, as cli.bench.mjs's row), for
//   the local executor and for `--executor hpc` (a Slurm job per attempt), alternately;
//   question detection (rename of ipc/NNN.question → the question.asked event's time) for local
//   workers and Slurm workers with the watcher on, then for the Slurm workers with the daemon
//   restarted under DISPATCH_WATCHER=off: the scan alone, as for a worker writing from another
//   node (inotify sees only this node's writes), whose floor is the executor's scan_interval (1 s).
// Needs a Slurm cluster (sudo scripts/slurm-test-cluster.sh start); without one it prints why and
// skips. Run: pnpm build && node apps/cli/bench/executors.bench.mjs  (about 80 s on 2 cores)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sinfo = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 });
if (sinfo.status !== 0 || !/^(idle|mixed|allocated)/m.test(sinfo.stdout)) {
  const why = sinfo.error
    ? `sinfo: ${sinfo.error.code === 'ENOENT' ? 'not installed' : (sinfo.error.code ?? sinfo.error.message)}`
    : sinfo.status !== 0
      ? `sinfo failed: ${sinfo.stderr.trim().split('\n').pop()}`
      : `no node takes jobs (sinfo: ${sinfo.stdout.trim().replaceAll('\n', ', ') || 'nothing'})`;
  console.log(`\nexecutors: the Slurm rows are skipped: no Slurm cluster answers here (${why}).`);
  console.log('  Start the test cluster with: sudo scripts/slurm-test-cluster.sh start');
  process.exit(0);
}

const bin = process.env.DISPATCH_BENCH_BIN ?? new URL('../dist/dispatch.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'dispatch-bench-home-'));
const env = { ...process.env, DISPATCH_HOME: home, DISPATCH_DAEMON_IDLE_MS: '600000', NO_COLOR: '1' };
delete env.DISPATCH_WATCHER; // the first daemon follows files with its watcher
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const pct = (xs, p) => sorted(xs)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const median = (xs) => pct(xs, 50);
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(7);
const row = (name, value, anchor = '') => console.log(`${name.padEnd(52)}${fmt(value)} ms  ${anchor}`);
const sleep = (msecs) => new Promise((r) => setTimeout(r, msecs));
const dispatch = (cwd, args, extraEnv = {}) =>
  spawnSync(process.execPath, [bin, ...args], { cwd, env: { ...env, ...extraEnv }, encoding: 'utf8' });
const until = async (probe, timeout = 60_000, every = 2) => {
  const end = Date.now() + timeout;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error('bench: condition not met');
    await sleep(every);
  }
};

// The config of cli.bench.mjs (like `dispatch init`'s) plus a Slurm executor that asks Slurm, and
// scans, every second. Local and Slurm tasks share one daemon: the same scan for both.
writeFileSync(
  join(home, 'config.yaml'),
  [
    'default: opus',
    'executors:',
    '  hpc: { kind: slurm, scan_interval: 1 }',
    'backends:',
    '  claude:',
    '    command: env -u CLAUDE_CODE_ENTRYPOINT -u CLAUDECODE claude -p --dangerously-skip-permissions',
    '  codex:',
    '    command: codex exec --full-auto -C "$(pwd)"',
    'models:',
    '  opus: { backend: claude }',
    '  sonnet: { backend: claude }',
    '  gpt-5.1-codex: { backend: codex }',
    'aliases:',
    '  review: { model: opus, prompt: "Review this change carefully." }',
    '',
  ].join('\n'),
);

const w = mkdtempSync(join(tmpdir(), 'dispatch-bench-ws-'));
const taskDir = (id) => join(w, '.dispatch/tasks', id);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const events = (id) =>
  readFileSync(join(taskDir(id), 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
/** Stops the workspace's daemon and starts a new one with these variables (it reads them at start). */
const restartDaemon = async (extraEnv = {}) => {
  dispatch(w, ['daemon', 'stop']);
  await until(() => !dispatch(w, ['daemon', 'status', '--json']).stdout.includes('"running":true'), 30_000, 50);
  dispatch(w, ['daemon', 'start'], extraEnv);
};
const executorArgs = (slurm) => (slurm ? ['--executor', 'hpc'] : []);
const runTask = (id, slurm) => {
  const r = dispatch(w, [
    'run',
    '--model',
    'sim',
    ...executorArgs(slurm),
    '--id',
    id,
    '--step',
    'a {sleep: 600}',
    'bench',
  ]);
  if (r.status !== 0) throw new Error(`bench: run ${id}: ${r.stderr}`);
};
const local = [];
const slurm = [];
const t0 = Date.now();
// If the bench fails half-way, its sleeping workers must not stay: scancel its jobs, end its local
// workers' process groups, stop its daemon (all sync: this runs on the way out).
let cleaned = false;
process.on('exit', () => {
  if (cleaned || !existsSync(join(w, '.dispatch/tasks'))) return;
  for (const id of readdirSync(join(w, '.dispatch/tasks'))) {
    const attempts = join(taskDir(id), 'attempts');
    if (existsSync(join(attempts, '1.job.json'))) spawnSync('scancel', [readJson(join(attempts, '1.job.json')).job]);
    else if (existsSync(join(attempts, '1.pid')))
      try {
        process.kill(-Number(readFileSync(join(attempts, '1.pid'), 'utf8').split(' ')[0]), 'SIGKILL');
      } catch {}
  }
  dispatch(w, ['daemon', 'stop']);
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

// 1. Worker started after `run`: from calling `run` to the attempt's pid record (written by the
// wrapper, inside the Slurm job for hpc). The first of each warms up (it starts the daemon; the
// daemon's first sbatch); then 10 of each, alternately.
runTask('l0', false);
local.push('l0');
await until(() => existsSync(join(taskDir('l0'), 'attempts/1.pid')));
runTask('h0', true);
slurm.push('h0');
await until(() => existsSync(join(taskDir('h0'), 'attempts/1.pid')));
const startedLocal = [];
const startedSlurm = [];
const steps = { run: [], claimed: [], submitted: [], logged: [] };
for (let i = 1; i <= 10; i++) {
  for (const onSlurm of [false, true]) {
    const id = `${onSlurm ? 'h' : 'l'}${i}`;
    // slurmctld starts newly submitted batch jobs on a tick (every 3 s: its default
    // batch_sched_delay, and the 30 s backfill pass): a loop that submits right after the last job
    // started would always wait the same part of it. Submits come at random moments, as users' do.
    if (onSlurm) await sleep(Math.random() * 3000);
    const wall = Date.now();
    const t = process.hrtime.bigint();
    runTask(id, onSlurm);
    const returned = ms(t);
    await until(() => existsSync(join(taskDir(id), 'attempts/1.pid')));
    const took = ms(t);
    (onSlurm ? slurm : local).push(id);
    if (!onSlurm) {
      startedLocal.push(took);
      continue;
    }
    startedSlurm.push(took);
    // Where the Slurm time goes: run returned, attempt claimed, sbatch returned (the job record),
    // pid record, and the daemon logging worker.started (it reads the pid record every 200 ms).
    steps.run.push(returned);
    steps.claimed.push(Date.parse(readJson(join(taskDir(id), 'attempts/1.json')).claimedAt) - wall);
    steps.submitted.push(Date.parse(readJson(join(taskDir(id), 'attempts/1.job.json')).submittedAt) - wall);
    const logged = await until(() => events(id).find((e) => e.type === 'worker.started'));
    steps.logged.push(Date.parse(logged.at) - wall);
  }
}
console.log('\nworker started after `run`, daemon running (10 each, alternately; ms to the pid record)');
const spread = (xs) => `min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)} ms`;
row('local  median', median(startedLocal), spread(startedLocal));
row('slurm  median', median(startedSlurm), spread(startedSlurm));
row('  slurm: run returned (median)', median(steps.run));
row('  slurm: attempt claimed by the daemon', median(steps.claimed));
row('  slurm: sbatch returned (job record)', median(steps.submitted));
row('  slurm: pid record (worker started in the job)', median(startedSlurm));
row('  slurm: worker.started logged by the daemon', median(steps.logged), '(reads pid records every 200 ms)');

// 2. Question detection: each task asks, in turn, as a worker would (the next question once the
// last is answered), after a pause drawn uniformly from one scan period (1 s), so that writes fall
// at every phase of the scan (without it they follow the scan that logged the last answer).
// Detection: the rename of ipc/NNN.question (Date.now() before it) → the question.asked event's
// `at` (the daemon's clock when it learnt of the file), as in cli.bench.mjs.
const PER_TASK = 8;
const waitEvent = async (id, match) => {
  let size = -1;
  return until(
    () => {
      const now = statSync(join(taskDir(id), 'events.jsonl')).size;
      if (now === size) return null;
      size = now;
      return events(id).find(match) ?? null;
    },
    60_000,
    25,
  );
};
const ask = async (ids) => {
  const seen = [];
  await Promise.all(
    ids.map(async (id) => {
      const ipc = join(taskDir(id), 'ipc');
      for (let k = 0; k < PER_TASK; k++) {
        await sleep(Math.random() * 1000);
        const seq =
          Math.max(
            0,
            ...readdirSync(ipc).flatMap((f) => (/^\d{3}\.question$/.test(f) ? [Number(f.slice(0, 3))] : [])),
          ) + 1;
        const name = `${String(seq).padStart(3, '0')}.question`;
        writeFileSync(join(ipc, `${name}.tmp`), `question ${seq}?\n`);
        const written = Date.now();
        renameSync(join(ipc, `${name}.tmp`), join(ipc, name));
        const asked = await waitEvent(id, (e) => e.type === 'question.asked' && e.question.seq === seq);
        seen.push(Date.parse(asked.at) - written);
        // The answer, as the daemon would write it; the worker sleeps and acks nothing.
        writeFileSync(join(ipc, `${String(seq).padStart(3, '0')}.answer`), 'ok');
        await waitEvent(id, (e) => e.type === 'question.answered' && e.question.seq === seq);
      }
    }),
  );
  return seen;
};
const detection = (name, seen, anchor = '') =>
  console.log(
    `${name.padEnd(40)}${fmt(pct(seen, 50))} ${fmt(pct(seen, 95))} ${fmt(pct(seen, 99))}  ${String(seen.length).padStart(3)}  ${anchor}`,
  );
const tAsk = Date.now();
const localOn = await ask(local.slice(-10));
const slurmOn = await ask(slurm.slice(-10));

// The same Slurm workers, followed by a daemon restarted with the watcher off: the scan alone.
await restartDaemon({ DISPATCH_WATCHER: 'off' });
await until(
  () => {
    const list = JSON.parse(dispatch(w, ['status', '--json']).stdout);
    return list.length === local.length + slurm.length && list.every((s) => s.state === 'running');
  },
  30_000,
  200,
);
const slurmOff = await ask(slurm.slice(-10));
console.log(
  `\nquestion detection (${PER_TASK} questions × 10 tasks each; ms from rename to logged; scan every 1 s; a p99 of 80 is their max)\n${''.padEnd(40)}${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'p99'.padStart(7)}    n`,
);
detection('local, watcher on', localOn, '(the anchor)');
detection('slurm, watcher on', slurmOn, '(inotify sees the job: same node)');
detection('slurm, watcher off (DISPATCH_WATCHER=off)', slurmOff, '(the cross-node case: the 1 s scan is the floor)');

const tCleanup = Date.now();

// Leave nothing behind: cancel every task (scancel for the Slurm jobs), wait for Slurm to end the
// jobs, stop the daemon. A daemon with its watcher back on: without it each `cancel` waits for a
// scan to see its request (about 1 s each).
const jobs = slurm.map((id) => readJson(join(taskDir(id), 'attempts/1.job.json')).job);
await restartDaemon();
for (const id of [...local, ...slurm]) dispatch(w, ['cancel', id]);
await until(
  () => {
    const q = spawnSync('squeue', ['-h', '-t', 'all', '-j', jobs.join(','), '-o', '%T'], { encoding: 'utf8' });
    return !/RUNNING|PENDING|COMPLETING|CONFIGURING/.test(q.stdout);
  },
  60_000,
  250,
);
dispatch(w, ['daemon', 'stop']);
cleaned = true;
const secs = (a, b) => `${((b - a) / 1000).toFixed(0)} s`;
console.log(
  `\n(executors bench: ${secs(t0, Date.now())}: start-ups ${secs(t0, tAsk)}, questions ${secs(tAsk, tCleanup)}, cleanup ${secs(tCleanup, Date.now())}; ${jobs.length} Slurm jobs, ${jobs[0]} to ${jobs.at(-1)})`,
);
