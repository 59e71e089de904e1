import type { TaskError, TaskState } from '@dispatch/core';
import type { PlanMark } from './plan/types.js';
import type { DerivedTask } from './task-state.js';

/** A task as `status --json` prints it (DESIGN.md's CLI contract), shared with the inspector. */
export interface TaskView {
  id: string;
  title: string;
  state: TaskState;
  model: string;
  backend: string;
  attempt: number;
  progress: { done: number; total: number };
  items: { text: string; mark: PlanMark; note: string | null }[];
  question: { seq: number; text: string } | null;
  error: TaskError | null;
  /** What a queued task waits for before its next attempt: its quota to reset (`until`, ISO), else null. */
  waiting: { reason: 'quota'; until: string; message: string } | null;
  taskDir: string;
  createdAt: string;
  updatedAt: string;
}

/** The contract view of a derived task. */
export function toTaskView(derived: DerivedTask): TaskView {
  const { context } = derived;
  const items = (derived.plan?.items ?? []).map((item) => ({
    text: item.text,
    mark: item.mark,
    note: item.note ?? item.detail ?? null,
  }));
  const question = context.questions[0];
  return {
    id: derived.task.id,
    title: derived.task.title,
    state: derived.state,
    model: context.model,
    backend: derived.task.backend,
    attempt: context.attempt,
    progress: { done: items.filter((i) => i.mark === 'done').length, total: items.length },
    items,
    question: question ? { seq: question.seq, text: question.text } : null,
    error: context.error,
    waiting:
      derived.state === 'queued' && context.waiting !== null
        ? { ...context.waiting, until: new Date(context.waiting.until).toISOString() }
        : null,
    taskDir: derived.paths.dir,
    createdAt: derived.task.createdAt,
    updatedAt: new Date(context.updatedAt).toISOString(),
  };
}
