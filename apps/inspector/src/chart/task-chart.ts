import { getTaskMachine, toMermaid } from '@dispatch/core';
import type { ChartResponse } from '../shared/api-types.js';
import { layoutChart } from './layout.js';
import { machineGraph } from './machine-graph.js';

let cached: Promise<ChartResponse> | undefined;

/**
 * The task machine's chart, laid out once per process (lazily: ELK takes seconds to load) and
 * shared by every page: the very task machine the daemon runs, never a drawing by hand.
 */
export function taskChart(): Promise<ChartResponse> {
  cached ??= layoutChart(machineGraph(getTaskMachine()), toMermaid(getTaskMachine()));
  cached.catch(() => (cached = undefined));
  return cached;
}
