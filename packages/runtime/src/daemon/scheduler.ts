import { KNOWN_BACKENDS, LOCAL_EXECUTOR, type Limits } from '@dispatch/config';
import { holdsSlot, type TaskState } from '@dispatch/core';

/** A task the scheduler looks at: where it is, what it waits for, which backend its worker needs. */
export interface ScheduledTask {
  key: string;
  state: TaskState;
  backend: string;
  /** Where its worker runs (or will): `local`, or a name in the config's `executors`. */
  executor: string;
  createdAt: string;
  /** The model its next worker runs (a queued task's may rest after a quota failure). */
  model: string;
  /** It waits in `queued` for its quota to reset (the machine's `waiting`): not in line for a slot. */
  waitingForQuota: boolean;
  /**
   * Ids (in the same workspace) that must complete first, and their states now (undefined: gone);
   * empty once the task has started (a continue or retry waits for a slot only).
   */
  after: readonly { id: string; state: TaskState | undefined }[];
}

/**
 * Limits when the config sets none, for the AI CLIs dispatch knows: 8 workers at once, 3 of
 * claude (the reference broke with 4 parallel `claude -p`), 4 of each other one. Other commands
 * (yours, the `sim` test double) are not limited unless the config says so; a configured
 * `limits` counts every local worker in its total. The total and these defaults are this
 * machine's: workers on a cluster count against their executor's limit and their backend's as
 * configured (none unless set), not against them.
 */
export const DEFAULT_LIMITS = { total: 8, claude: 3, other: 4 } as const;

const KNOWN_CLIS: ReadonlySet<string> = new Set(KNOWN_BACKENDS);

/**
 * Whether one more worker of `t`'s backend may start: a limit you set counts the backend's
 * workers everywhere (`all`); the defaults protect this machine and count its own (`here`).
 */
function backendFree(limits: Limits | undefined, t: ScheduledTask, all: number, here: number): boolean {
  const configured = limits?.backends[t.backend];
  if (configured !== undefined) return all < configured;
  if (!KNOWN_CLIS.has(t.backend) || t.executor !== LOCAL_EXECUTOR) return true;
  return here < (t.backend === 'claude' ? DEFAULT_LIMITS.claude : DEFAULT_LIMITS.other);
}

function totalOf(limits: Limits | undefined): number {
  return limits?.total ?? DEFAULT_LIMITS.total;
}

/** What the scheduler decided for one queued task. */
export type Decision =
  | { key: string; action: 'start' }
  | { key: string; action: 'wait'; reason: string; place?: number }
  | { key: string; action: 'fail'; message: string }
  /** Its model rests after a quota failure (another task's): it waits with it, until `until`. */
  | { key: string; action: 'wait-for-quota'; until: number; message: string };

/** A model resting after a quota failure: until when, and the failure's words. */
export interface Cooling {
  until: number;
  reason: string;
}

/**
 * Decides, for every queued task in submission order, whether it starts now: when each task it
 * runs after has completed (one cancelled fails it, kind `dependency`; one failed or unfinished
 * keeps it waiting, with the reason), its model is not resting after a quota failure (`cooling`:
 * it waits for the reset with the task that hit it) and a slot is free for its backend and in
 * total. Tasks that wait for a slot keep their place in line; tasks waiting for a quota are not in it.
 */
export function schedule(
  tasks: readonly ScheduledTask[],
  limits: Limits | undefined,
  cooling: ReadonlyMap<string, Cooling> = new Map(),
): Decision[] {
  const busy = new Map<string, number>();
  const busyHere = new Map<string, number>();
  let total = 0;
  const onCluster = new Map<string, number>();
  const counts = (t: ScheduledTask) =>
    t.executor === LOCAL_EXECUTOR && (limits !== undefined || KNOWN_CLIS.has(t.backend));
  const take = (t: ScheduledTask) => {
    busy.set(t.backend, (busy.get(t.backend) ?? 0) + 1);
    if (t.executor === LOCAL_EXECUTOR) busyHere.set(t.backend, (busyHere.get(t.backend) ?? 0) + 1);
    onCluster.set(t.executor, (onCluster.get(t.executor) ?? 0) + 1);
    if (counts(t)) total += 1;
  };
  for (const t of tasks) if (holdsSlot(t.state)) take(t);
  const decisions: Decision[] = [];
  let place = 0;
  const queued = tasks
    .filter((t) => t.state === 'queued' && !t.waitingForQuota)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.key.localeCompare(b.key));
  for (const t of queued) {
    const cancelled = t.after.find((d) => d.state === 'cancelled' || d.state === undefined);
    if (cancelled) {
      decisions.push({
        key: t.key,
        action: 'fail',
        message: `${cancelled.id} ${cancelled.state === undefined ? 'is gone' : 'was cancelled'}, and this task runs after it`,
      });
      continue;
    }
    const pending = t.after.filter((d) => d.state !== 'completed');
    if (pending.length > 0) {
      decisions.push({
        key: t.key,
        action: 'wait',
        reason: `waiting for ${pending.map((d) => `${d.id} (${d.state})`).join(', ')}`,
      });
      continue;
    }
    const rest = cooling.get(t.model);
    if (rest !== undefined) {
      decisions.push({ key: t.key, action: 'wait-for-quota', until: rest.until, message: rest.reason });
      continue;
    }
    const executorLimit =
      limits && Object.hasOwn(limits.executors, t.executor) ? limits.executors[t.executor]! : Infinity;
    const executorFree = (onCluster.get(t.executor) ?? 0) < executorLimit;
    const free =
      executorFree &&
      backendFree(limits, t, busy.get(t.backend) ?? 0, busyHere.get(t.backend) ?? 0) &&
      (!counts(t) || total < totalOf(limits));
    if (!free) {
      place += 1;
      const what = executorFree ? `${t.backend} worker` : `${t.executor} executor`;
      decisions.push({ key: t.key, action: 'wait', reason: `waiting for a free ${what} slot`, place });
      continue;
    }
    take(t);
    decisions.push({ key: t.key, action: 'start' });
  }
  return decisions;
}
