import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { simWorkerCommand } from '@dispatch/backends';
import { isLive, type TaskState } from '@dispatch/core';
import {
  createFactSource,
  createTaskFolder,
  IpcError,
  readEventLog,
  readPlan,
  renderPlan,
  writeAnswer,
} from '@dispatch/ipc-fs';
import { TaskHost, usageError } from '@dispatch/runtime';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';
import { createStyle } from '../style.js';

const TASK_ID = 'security-review';
const QUESTION = 'Found both JWT and session-based auth. Which should I focus on?';
const ANSWER = 'Focus on JWT: session-based auth is deprecated.';
const STEPS = [
  'Scan the code for hardcoded secrets',
  `Review the authentication logic {ask: ${QUESTION}}`,
  'Check the token expiry settings',
  'Write the findings to output.md',
];
/** Whether the demo has nothing more to show: the task is at rest (ended, blocked or failed). */
const stops = (state: TaskState) => !isLive(state);

/**
 * `dispatch demo`: one whole task, for real, in a fresh workspace — the plan on disk, the task
 * machine in this process, the simulated worker (a test double of an AI CLI, in plain sh) as a
 * detached process that asks a question over ipc/ files, a scripted user answering it, and every
 * event in events.jsonl.
 */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const json = ctx.options.json === true;
  const workspace = ctx.options.dir
    ? resolve(io.cwd, String(ctx.options.dir))
    : await mkdtemp(join(tmpdir(), 'dispatch-demo-'));
  const dispatchDir = join(workspace, '.dispatch');
  const started = Date.now();
  const style = createStyle(io.errColor);
  const say = (text: string) => {
    if (!json) io.err(`${style.dim(`${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`)}  ${text}\n`);
  };

  const task = {
    id: TASK_ID,
    title: 'Security review (demo)',
    prompt: 'review the auth module for security problems',
    model: 'sim',
    backend: 'sim',
    options: { answerTimeout: 60 },
    createdAt: new Date().toISOString(),
  };
  const paths = await createTaskFolder(dispatchDir, task, renderPlan(task.title, STEPS)).catch((err: unknown) => {
    if (err instanceof IpcError && err.code === 'task-exists') {
      throw usageError(
        `${workspace} already holds the demo task: use a fresh folder (or leave out --dir)`,
        'invalid-input',
      );
    }
    throw err;
  });
  say(`workspace ${workspace}`);
  say(`plan ${paths.plan} (${STEPS.length} items), worker: the sim model`);

  let resolveStop: (state: TaskState) => void = () => undefined;
  const stopped = new Promise<TaskState>((r) => (resolveStop = r));
  const host = await TaskHost.start({
    id: TASK_ID,
    dispatchDir,
    cwd: workspace,
    env: () => ({ ...io.env, DISPATCH_SIM_STEP: String(ctx.options.step ?? '0.4') }),
    // The bundle is executable (`#!/usr/bin/env node`), so workers can run it as one word.
    bin: realpathSync(process.argv[1] ?? 'dispatch'),
    resolveWorker: () => ({ backend: 'sim', command: simWorkerCommand(), modelArgs: null }),
    onState: (state, from, snapshot) => {
      say(`${from} → ${style.bold(state)}`);
      const question = snapshot.context.questions[0];
      if (state === 'awaiting-answer' && question) {
        say(`worker asks #${question.seq}: ${question.text}`);
        if (ctx.options.answer === false) {
          say(
            `answer it yourself: printf 'Focus on JWT' > ${paths.ipc}/${String(question.seq).padStart(3, '0')}.answer`,
          );
          return;
        }
        setTimeout(() => {
          say(`scripted user answers: ${ANSWER}`);
          writeAnswer(paths.ipc, question.seq, ANSWER).catch((err: Error) => say(`could not answer: ${err.message}`));
        }, 1500).unref();
      }
      if (stops(state)) resolveStop(state);
    },
  });
  const source = await createFactSource({
    dispatchDir,
    onFact: (fact) => (fact.taskId === TASK_ID ? host.handleFact(fact) : undefined),
  });
  const state = await stopped;
  await source.close();
  await host.stop();

  const plan = await readPlan(paths.plan);
  const { events } = await readEventLog(paths.events);
  if (json) {
    printJson(io, { id: TASK_ID, state, workspace, taskDir: paths.dir, events: events.length });
  } else {
    for (const item of plan?.items ?? [])
      say(`  [${item.mark === 'done' ? 'x' : ' '}] ${item.text}${item.note ? ` — ${item.note}` : ''}`);
    say(`${events.length} events in ${paths.events}`);
  }
  return state === 'completed' ? 0 : 1;
}
