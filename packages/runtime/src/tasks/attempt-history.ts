import type { DerivedTask } from '@dispatch/ipc-fs';

/** One attempt of a task: the model it ran, how it ended and why, and how long it ran. */
export interface AttemptFacts {
  attempt: number;
  model: string | null;
  startedAt: number | null;
  /** null while it runs. */
  endedAt: number | null;
  code: number | null;
  signal: string | null;
  /** The classified cause of a failed start or exit (`auth`, `quota`, ...). */
  cause: { kind: string; message: string } | null;
}

const timeOf = (at: unknown): number | null => {
  const ms = typeof at === 'number' ? at : typeof at === 'string' ? Date.parse(at) : Number.NaN;
  return Number.isFinite(ms) ? ms : null;
};

/** The task's attempts in order, from its log and the facts on disk the log has not recorded yet. */
export function attemptsOf(derived: DerivedTask): AttemptFacts[] {
  const byNumber = new Map<number, AttemptFacts>();
  const get = (n: number) => {
    let a = byNumber.get(n);
    if (!a) {
      a = { attempt: n, model: null, startedAt: null, endedAt: null, code: null, signal: null, cause: null };
      byNumber.set(n, a);
    }
    return a;
  };
  for (const e of [...derived.logged, ...derived.unrecorded] as Record<string, unknown>[]) {
    const n = e.attempt;
    if (typeof n !== 'number') continue;
    const a = get(n);
    if (e.type === 'worker.started') {
      a.model = typeof e.model === 'string' ? e.model : a.model;
      a.startedAt = timeOf(e.at);
    } else if (e.type === 'worker.exited') {
      a.endedAt = timeOf(e.at);
      a.code = typeof e.code === 'number' ? e.code : null;
      a.signal = typeof e.signal === 'string' ? e.signal : null;
      a.cause = (e.cause as AttemptFacts['cause']) ?? a.cause;
    } else if (e.type === 'worker.spawn-failed') {
      a.endedAt = timeOf(e.at);
      a.cause = (e.error as AttemptFacts['cause']) ?? null;
    }
  }
  return [...byNumber.values()].sort((x, y) => x.attempt - y.attempt);
}
