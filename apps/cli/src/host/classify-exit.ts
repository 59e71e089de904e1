import { classifyWorkerExit } from '@dispatch/backends/classify/classify-worker-exit';
import { readAttemptClaim } from '@dispatch/ipc-fs/attempts';
import type { ExitClassifier } from '@dispatch/ipc-fs/task-state';
import { readAttemptLogTail } from './attempt-log.js';

// Backends with no CLI name of their own: an alias's inline command, the simulated worker.
const GENERIC: Record<string, string> = { command: 'worker', sim: 'sim worker' };

/**
 * Why attempt N's worker failed, from its exit record, the tail of its output in worker.log and
 * the backend its claim names (so the message says which CLI and how to fix it).
 * @example deriveTaskState(dispatchDir, id, { classify: classifyExit })
 */
export const classifyExit: ExitClassifier = async (record, paths, attempt) => {
  const claim = await readAttemptClaim(paths.attempts, attempt).catch(() => null);
  const output = await readAttemptLogTail(paths, attempt);
  const backend = claim?.backend;
  const cli = backend ? (GENERIC[backend] ?? backend) : undefined;
  const at = new Date(record.at);
  return classifyWorkerExit({ code: record.code, signal: record.signal, output, ...(cli && { cli }), ...(!Number.isNaN(at.getTime()) && { at }) });
};
