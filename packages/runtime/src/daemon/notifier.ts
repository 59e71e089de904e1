import { isFinalState, needsUser, type TaskState, type Waiting } from '@dispatch/core';
import { deriveTaskState, formatUntil, type Registration } from '@dispatch/ipc-fs';
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

  /** The hook's command for this task's environment, or null when there is none. */
  private async commandFor(registration: Registration): Promise<string | null> {
    const config = await loadUserConfig(registration.env).then(
      (l) => l.config,
      () => null,
    );
    return notifyCommand(config?.notify, registration.env);
  }

  /**
   * Tells the hook, once per wait, that a task began waiting for its quota to reset: not a
   * condition `wait` reports (nothing to do but wait), but worth knowing where the user is.
   */
  async notifyWaiting(registration: Registration, waiting: Waiting): Promise<void> {
    const key = `waiting:${waiting.until}`;
    if (this.told.get(registration.id) === key) return;
    this.told.set(registration.id, key);
    const command = await this.commandFor(registration);
    if (command === null) return;
    const event = {
      v: 1,
      type: 'waiting',
      reason: waiting.reason,
      until: new Date(waiting.until).toISOString(),
      id: registration.id,
      state: 'queued',
      message: waiting.message,
      dispatchDir: this.dispatchDir,
    };
    const text = `${registration.id} waits for its quota until ${formatUntil(waiting.until, Date.now())}: ${waiting.message}`;
    runNotify(command, event, text, registration.env, this.onError);
  }

  async notify(registration: Registration): Promise<void> {
    const command = await this.commandFor(registration);
    if (command === null) return;
    const derived = await deriveTaskState(this.dispatchDir, registration.id, { classify: classifyExit });
    const condition = await conditionOf(derived, alternativesFor(registration.env));
    if (condition === null || condition.type === 'cancelled') return;
    const key = `${condition.type}:${'seq' in condition ? String(condition.seq) : ''}:${derived.context.attempt}`;
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
