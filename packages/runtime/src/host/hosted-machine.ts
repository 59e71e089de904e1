import {
  type ChooseModelInput,
  type DeadlineCallback,
  type DeadlineInput,
  type SpawnWorkerInput,
  getTaskMachine,
  type TaskEvent,
  type TaskMachine,
} from '@dispatch/core';
import { fromCallback } from 'xstate';

/** The real effects of one task's actor, bound to that task by its host. */
export interface TaskEffects {
  /** Starts the worker of an attempt; resolves to the event to send (started, spawn failed). */
  spawnWorker(input: SpawnWorkerInput, cancelled: () => boolean): Promise<TaskEvent>;
  /** The recovery decision, when the host makes it (else the machine's own). */
  chooseModel?: (input: ChooseModelInput) => Promise<TaskEvent>;
  deadline: DeadlineCallback;
  stopWorker(attempt: number): void;
  onError(err: unknown): void;
}

/** Each task's effects, by the actor system its actor (and the actors it invokes) runs in. */
const effectsBySystem = new WeakMap<object, TaskEffects>();

function effectsOf(system: object): TaskEffects {
  const effects = effectsBySystem.get(system);
  if (!effects) throw new Error('dispatch: a task actor started before its host bound its effects');
  return effects;
}

function build(hostChoosesModel: boolean): TaskMachine {
  return getTaskMachine().provide({
    actors: {
      ...(hostChoosesModel && {
        chooseModel: fromCallback<TaskEvent, ChooseModelInput>(({ input, sendBack, system }) => {
          const effects = effectsOf(system);
          effects.chooseModel!(input).then(sendBack, (err: unknown) => {
            effects.onError(err);
            sendBack({ type: 'model.chosen', model: input.requested ?? input.current, at: input.at });
          });
        }),
      }),
      spawnWorker: fromCallback<TaskEvent, SpawnWorkerInput>(({ input, sendBack, system }) => {
        const effects = effectsOf(system);
        let stopped = false;
        effects.spawnWorker(input, () => stopped).then(sendBack, effects.onError);
        return () => {
          stopped = true;
        };
      }),
      deadline: fromCallback<TaskEvent, DeadlineInput>((args) => effectsOf(args.system).deadline(args)),
    },
    actions: {
      stopWorker: ({ context, system }) => effectsOf(system).stopWorker(context.attempt),
    },
  });
}

type HostedMachine = TaskMachine;
const machines = new Map<boolean, HostedMachine>();

/**
 * The task machine with a host's effects, one for every task: each actor finds its task's
 * effects through its system (`bindEffects`). A machine built per task cost a fifth of the
 * CPU of hosting a thousand tasks at start, and its memory for as long as they are hosted.
 */
export function hostedMachine(hostChoosesModel: boolean): HostedMachine {
  let machine = machines.get(hostChoosesModel);
  if (!machine) machines.set(hostChoosesModel, (machine = build(hostChoosesModel)));
  return machine;
}

/** Binds a task's effects to its actor's system: before the actor starts. */
export function bindEffects(system: object, effects: TaskEffects): void {
  effectsBySystem.set(system, effects);
}
