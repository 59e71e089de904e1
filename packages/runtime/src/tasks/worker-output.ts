import { hasWorker } from '@dispatch/core';
import { STRUCTURED_BACKENDS, summarizeWorkerOutput, type WorkerSummary } from '@dispatch/backends';
import {
  type DerivedTask,
  readAttemptLogTail,
  readAttemptSummary,
  readExitRecord,
  writeAttemptSummary,
} from '@dispatch/ipc-fs';

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
  const cached = readAttemptSummary<WorkerSummary>(derived.paths.attempts, attempt);
  if (cached !== null) return cached;
  const summary = summarizeWorkerOutput(await readAttemptLogTail(derived.paths, attempt));
  if (await readExitRecord(derived.paths.attempts, attempt))
    await writeAttemptSummary(derived.paths.attempts, attempt, summary).catch(() => undefined);
  return summary;
}

/** The report of a task whose backend prints structured output; null for the others. */
export async function workerReport(derived: DerivedTask): Promise<WorkerReport | null> {
  const attempts = derived.context.attempt;
  if (attempts === 0 || !STRUCTURED_BACKENDS.has(derived.task.backend)) return null;
  let usage: WorkerReport['usage'] = null;
  let last: WorkerSummary | null = null;
  for (let n = 1; n <= attempts; n++) {
    const s = await attemptSummary(derived, n);
    if (s.usage) {
      usage =
        usage === null
          ? { ...s.usage }
          : {
              inputTokens: usage.inputTokens + s.usage.inputTokens,
              outputTokens: usage.outputTokens + s.usage.outputTokens,
              costUsd:
                usage.costUsd === null || s.usage.costUsd === null
                  ? (usage.costUsd ?? s.usage.costUsd)
                  : usage.costUsd + s.usage.costUsd,
            };
    }
    last = s;
  }
  return {
    usage,
    activity: hasWorker(derived.state) ? (last?.lastActivity ?? null) : null,
    sessionId: last?.sessionId ?? null,
  };
}

/** `12,345 in / 2,345 out tokens, $0.0421`. */
export function describeUsage(usage: NonNullable<WorkerReport['usage']>): string {
  return `${usage.inputTokens.toLocaleString('en')} in / ${usage.outputTokens.toLocaleString('en')} out tokens${usage.costUsd === null ? '' : `, $${usage.costUsd.toFixed(4)}`}`;
}
