import { isFinalState, needsUser, type TaskState } from '@dispatch/core';
import { deriveTaskState, type Registration } from '@dispatch/ipc-fs';
import { alternativesFor } from '../config/alternatives.js';
import { loadUserConfig } from '../config/user-config.js';
import { conditionOf, describeCondition } from '../tasks/conditions.js';
import { classifyExit } from '../worker/classify-exit.js';
import { notifyCommand, runNotify } from './notify.js';

/** Whether entering `state` may be news for the user: it needs them, or the task ended. */
export const mayNotify = (state: TaskState): boolean => needsUser(state) || isFinalState(state);

/**
 * Tells the user's notify hook (config `notify`, else a desktop notification) of each new
 * condition of a workspace's tasks — a question, a block, a failure, a completion — once: the
 * same question again (a worker that timed out waiting for it) is no news, and neither is a
 * cancel, which the user made.
 */
export class Notifier {
  /** The last condition told per task: `<type>:<seq>:<attempt>`. */
  private readonly told = new Map<string, string>();

  constructor(
    private readonly dispatchDir: string,
    private readonly onError: (err: unknown) => void,
  ) {}

  async notify(registration: Registration): Promise<void> {
    const config = await loadUserConfig(registration.env).then(
      (l) => l.config,
      () => null,
    );
    const command = notifyCommand(config?.notify, registration.env);
    if (command === null) return;
    const derived = await deriveTaskState(this.dispatchDir, registration.id, { classify: classifyExit });
    const condition = await conditionOf(derived, alternativesFor(registration.env));
    if (condition === null || condition.type === 'cancelled') return;
    const key = `${condition.type}:${'seq' in condition ? String(condition.seq) : ''}:${derived.snapshot.context.attempt}`;
    if (this.told.get(registration.id) === key) return;
    this.told.set(registration.id, key);
    runNotify(
      command,
      { ...condition, dispatchDir: this.dispatchDir },
      describeCondition(condition),
      registration.env,
      this.onError,
    );
  }
}
