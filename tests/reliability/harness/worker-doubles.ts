/** The worker doubles in `fixtures/workers/`: real tiny executables that follow the worker contract. */
export type WorkerDouble = 'grandchildren-worker.sh' | 'paced-asker.sh' | 'bulk-asker.sh' | 'patient-asker.sh';

/** The path of a worker double (run it as a backend command: `sh <path>`). */
export function workerDouble(name: WorkerDouble): string {
  return new URL(`../fixtures/workers/${name}`, import.meta.url).pathname;
}

/** A `config.yaml` with one generic backend and model `model` running worker double `name`. */
export function workerDoubleConfig(model: string, name: WorkerDouble): string {
  return `default: ${model}\nbackends:\n  ${model}-backend: { command: "sh ${workerDouble(name)}" }\nmodels:\n  ${model}: { backend: ${model}-backend }\n`;
}
