// The watcher and scanner: file changes under tasks/ as typed facts, each delivered until onFact succeeds.
export { createFactSource } from './fact-source.js';
export type { FactSource, FactSourceOptions, FactSourceStats } from './fact-source-types.js';
export type { ExitFact, Fact, FactType, IpcFact, PlanFact, RequestFact, TaskFact, WorkerDoneFact } from './facts.js';
export { scanTasks } from './scan.js';
