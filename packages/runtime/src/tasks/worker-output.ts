import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STRUCTURED_BACKENDS, summarizeWorkerOutput, type WorkerSummary } from '@dispatch/backends';
import { type DerivedTask, writeFileAtomic } from '@dispatch/ipc-fs';
import { readAttemptLogTail } from '../worker/attempt-log.js';


/** What a task's workers reported: token use and cost summed over attempts, and what the current one is doing. */
export interface WorkerReport {
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  activity: string | null;
  sessionId: string | null;
}

/**
 * One attempt's summary, from the end of its output in worker.log. A finished attempt's summary
 * never changes, so it is kept in `attempts/<n>.summary.json` and read from there next time.
 */
async function attemptSummary(derived: DerivedTask, attempt: number): Promise<WorkerSummary> {
  const cache = join(derived.paths.attempts, `${attempt}.summary.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8')) as WorkerSummary;
    } catch {
      // a torn cache: read the log again
    }
  }
  const summary = summarizeWorkerOutput(await readAttemptLogTail(derived.paths, attempt));
  const finished = existsSync(join(derived.paths.attempts, `${attempt}.exit`));
  if (finished) await writeFileAtomic(cache, `${JSON.stringify(summary)}\n`).catch(() => undefined);
  return summary;
}

/** The report of a task whose backend prints structured output; null for the others. */
export async function workerReport(derived: DerivedTask): Promise<WorkerReport | null> {
  const attempts = derived.snapshot.context.attempt;
  if (attempts === 0 || !STRUCTURED_BACKENDS.has(derived.task.backend)) return null;
  let usage: WorkerReport['usage'] = null;
  let last: WorkerSummary | null = null;
  for (let n = 1; n <= attempts; n++) {
    const s = await attemptSummary(derived, n);
    if (s.usage) {
      usage = usage === null
        ? { ...s.usage }
        : { inputTokens: usage.inputTokens + s.usage.inputTokens, outputTokens: usage.outputTokens + s.usage.outputTokens, costUsd: usage.costUsd === null || s.usage.costUsd === null ? (usage.costUsd ?? s.usage.costUsd) : usage.costUsd + s.usage.costUsd };
    }
    last = s;
  }
  return { usage, activity: derived.snapshot.hasTag('worker') ? (last?.lastActivity ?? null) : null, sessionId: last?.sessionId ?? null };
}

/** `12,345 in / 2,345 out tokens, $0.0421`. */
export function describeUsage(usage: NonNullable<WorkerReport['usage']>): string {
  return `${usage.inputTokens.toLocaleString('en')} in / ${usage.outputTokens.toLocaleString('en')} out tokens${usage.costUsd === null ? '' : `, $${usage.costUsd.toFixed(4)}`}`;
}
