import type { ChooseModelInput, TaskEvent } from '@dispatch/core';
import { resolveModel } from '@dispatch/config';
import { alternativesIn } from '../config/alternatives.js';
import { activeCooldowns } from '@dispatch/ipc-fs';
import { userConfig } from '../config/user-config.js';

/**
 * The recovery decision a task makes in `recovering` (the machine's `chooseModel`), as the daemon
 * supplies it: a model named by the user or by the daemon's fallback runs as named. With none
 * named (a plain `retry`), the task keeps its model — unless that model rests after a quota
 * failure, when the config's first `fallback` model that can run and is not resting takes over,
 * as it does for new tasks. A model the config no longer resolves (removed since) is no way on:
 * the task fails again with `no-alternative`, saying why, instead of starting a doomed worker.
 */
export function createModelChooser(
  home: string,
  env: NodeJS.ProcessEnv,
): (input: ChooseModelInput) => Promise<TaskEvent> {
  return async (input) => {
    const at = input.at;
    if (input.requested !== null) return { type: 'model.chosen', model: input.requested, at };
    const config = await userConfig(env).catch(() => null);
    const model = input.current;
    const cooling = config === null ? new Map() : await activeCooldowns(home, Date.now());
    if (config !== null && cooling.has(model)) {
      const usable = new Set(alternativesIn(config, env, [model]).map((a) => a.model));
      const instead = config.fallback.find((m) => usable.has(m) && !cooling.has(m));
      if (instead !== undefined) return { type: 'model.chosen', model: instead, at };
    }
    try {
      resolveModel({ config, modelFlag: model });
    } catch (err) {
      return {
        type: 'recovery.failed',
        error: {
          kind: 'no-alternative',
          message: `${(err as Error).message}; retry with another model: dispatch retry ${input.id} --model M`,
        },
        at,
      };
    }
    return { type: 'model.chosen', model, at };
  };
}
