import type { Caller } from '../caller.js';
import type { Condition } from '../tasks/conditions.js';
import { waitFor } from '../tasks/wait-for.js';
import { conditionsNow, type ConditionScope, type HeldCondition } from './conditions-now.js';

/** A condition's identity: the same question, block or end is reported once. */
const keyOf = ({ condition: c, attempt }: HeldCondition) =>
  `${c.id}\0${c.type}\0${'seq' in c ? String(c.seq) : ''}\0${attempt}`;

/**
 * Every notable condition of the scope's tasks as it happens, each once: those holding now first
 * (as `wait` reports them), then each new one. Ends when `signal` aborts.
 */
export async function* watchConditions(
  caller: Caller,
  scope: ConditionScope,
  signal: AbortSignal,
): AsyncGenerator<Condition> {
  // Ends with `signal`, or when the consumer stops (a `break` out of `for await`).
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort);
  if (signal.aborted) stop.abort();
  const seen = new Set<string>();
  const queue: Condition[] = [];
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  let ended = false;
  const probe = async (): Promise<null> => {
    for (const held of await conditionsNow(caller, scope)) {
      const key = keyOf(held);
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(held.condition);
    }
    wake?.();
    return null; // never done: watching ends with the signal
  };
  const watching = waitFor(scope.dispatchDir, probe, { signal: stop.signal })
    .then(
      () => undefined,
      (err: unknown) => {
        failure = err;
      },
    )
    .finally(() => {
      ended = true;
      wake?.();
    });
  try {
    for (;;) {
      const next = queue.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (failure !== null) throw failure;
      if (ended || stop.signal.aborted) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    await watching;
  }
}
