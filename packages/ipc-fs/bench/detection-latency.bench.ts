import { watch as fsWatch, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'vitest';
import { runWriter, tempDispatchDir, waitFor, writeAtomicSync } from '../test/fixtures/watch/helpers.js';
import { createFactSource } from '../src/watch/fact-source.js';

// Detection latency: a separate process renames ipc/NNN.question into place and notes the
// monotonic clock (shared by all processes); this process notes it again when the detector
// reports the question. Every detector sees the same workload on the same machine.
// Run: pnpm --filter @dispatch/ipc-fs bench (or: npx vitest run --config bench/vitest.config.ts)

const TASKS = Array.from({ length: 10 }, (_, i) => `bench-${i}`);
const PER_TASK = 50; // 500 questions
const INTERVAL_MS = 5;

type Seen = (key: string) => void;
/** Starts a detector over `tasksDir`, calling `seen('<task>/<seq>')`; returns its stop function. */
type Detector = (dispatchDir: string, tasksDir: string, seen: Seen) => Promise<() => Promise<void> | void>;

const seqOf = (name: string): number | undefined => {
  const digits = /^(\d{3,})\.question$/.exec(name)?.[1];
  return digits === undefined ? undefined : Number(digits);
};

const detectors: Array<[string, Detector]> = [
  [
    'fs.watch on each ipc/ (raw)',
    async (_d, tasksDir, seen) => {
      const watchers = TASKS.map((t) =>
        fsWatch(join(tasksDir, t, 'ipc'), (_e, name) => {
          const seq = name ? seqOf(name) : undefined;
          if (seq !== undefined) seen(`${t}/${seq}`);
        }),
      );
      return () => watchers.forEach((w) => w.close());
    },
  ],
  ...[
    { useWatcher: true, scanIntervalMs: 2000 },
    { useWatcher: false, scanIntervalMs: 2000 },
    { useWatcher: false, scanIntervalMs: 200 },
  ].map((opts): [string, Detector] => [
    opts.useWatcher
      ? `fact source (watcher + ${opts.scanIntervalMs} ms scans)`
      : `fact source, scans only every ${opts.scanIntervalMs} ms`,
    async (dispatchDir, _t, seen) => {
      const source = await createFactSource({
        dispatchDir,
        ...opts,
        onFact: (f) => void (f.type === 'question' && seen(`${f.taskId}/${f.seq}`)),
      });
      return () => source.close();
    },
  ]),
];

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const ms = (n: number) => n.toFixed(n < 10 ? 2 : 0).padStart(8);

async function measure(detector: Detector): Promise<{ p50: number; p99: number; max: number; seen: number }> {
  const { dispatchDir, tasksDir, cleanup } = tempDispatchDir();
  try {
    for (const t of TASKS) mkdirSync(join(tasksDir, t, 'ipc'), { recursive: true });
    const detected = new Map<string, bigint>();
    const stop = await detector(
      dispatchDir,
      tasksDir,
      (key) => void (detected.has(key) || detected.set(key, process.hrtime.bigint())),
    );
    const written = await runWriter({ tasksDir, tasks: TASKS, perTask: PER_TASK, intervalMs: INTERVAL_MS });
    await waitFor(() => detected.size >= written.size, 'every question', 20_000).catch(() => undefined);
    await stop();
    const latencies = [...written].flatMap(([key, at]) => {
      const seen = detected.get(key);
      return seen === undefined ? [] : [Number(seen - at) / 1e6];
    });
    latencies.sort((a, b) => a - b);
    return {
      p50: pct(latencies, 0.5),
      p99: pct(latencies, 0.99),
      max: latencies.at(-1) ?? NaN,
      seen: latencies.length,
    };
  } finally {
    cleanup();
  }
}

/** Mean time of an idle full scan (nothing new) over `n` tasks of a typical size. */
async function idleScan(n: number): Promise<{ perScanMs: number; perTaskUs: number }> {
  const { dispatchDir, tasksDir, cleanup } = tempDispatchDir();
  try {
    for (let i = 0; i < n; i++) {
      const t = join(tasksDir, `idle-${i}`);
      writeAtomicSync(join(t, 'plan.md'), '# Idle\n- [x] a\n- [ ] b\n');
      for (const name of ['001.question', '001.answer', '001.done', '002.question'])
        writeAtomicSync(join(t, 'ipc', name), 'x');
      writeAtomicSync(join(t, 'attempts', '1.exit'), '{}');
      mkdirSync(join(t, 'requests'));
    }
    const source = await createFactSource({
      dispatchDir,
      useWatcher: false,
      scanIntervalMs: 0,
      onFact: () => undefined,
    });
    const rounds = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) await source.scanNow();
    const perScanMs = Number(process.hrtime.bigint() - start) / 1e6 / rounds;
    await source.close();
    return { perScanMs, perTaskUs: (perScanMs * 1000) / n };
  } finally {
    cleanup();
  }
}

it('detection latency of a question written by another process', async () => {
  const lines = [
    `detection latency: ${TASKS.length * PER_TASK} questions by another process, ${TASKS.length} tasks, one every ~${INTERVAL_MS} ms`,
    `${'detector'.padEnd(40)}  p50 ms    p99 ms    max ms   seen`,
  ];
  for (const [name, detector] of detectors) {
    const r = await measure(detector);
    lines.push(`${name.padEnd(40)}${ms(r.p50)}  ${ms(r.p99)}  ${ms(r.max)}   ${r.seen}/${TASKS.length * PER_TASK}`);
  }
  for (const n of [100, 1000]) {
    const r = await idleScan(n);
    lines.push(
      `idle full scan of ${n} tasks: ${r.perScanMs.toFixed(1)} ms (${r.perTaskUs.toFixed(0)} µs a task: 2 stat + 3 readdir each)`,
    );
  }
  console.log(`\n${lines.join('\n')}\n`);
});
