import { describe, expect, it } from 'vitest';
import { engineEndCause, taskPaths } from '@dispatch/ipc-fs';
import { checkExecutorOption, executorConfigFor } from '../config/task-executor.js';
import { scanIntervalMs } from '../daemon/workspace-host.js';
import { describeExecutor } from '../tasks/executor-status.js';
import { executorFor, executorOfClaim, localExecutor } from './index.js';
import { jobEnded, jobWaiting } from './slurm/job-states.js';
import { jobName } from './slurm/slurm-executor.js';

const hpc = { name: 'hpc', kind: 'slurm' as const, sbatch: ['--partition=debug'], scanInterval: 2 };

describe('executors', () => {
  it('local is the default; a config entry makes its executor once; an attempt is followed where it was claimed', () => {
    expect(executorFor(undefined)).toBe(localExecutor);
    expect(executorFor(hpc)).toBe(executorFor({ ...hpc }));
    expect(executorFor(hpc).presenceEveryMs).toBe(2000);
    expect(executorOfClaim(null, hpc)).toBe(localExecutor);
    const claim = { attempt: 1, model: 'x', backend: 'b', claimedAt: '', executor: { name: 'hpc', kind: 'slurm' } };
    expect(executorOfClaim(claim, hpc)).toBe(executorFor(hpc));
    // The config no longer has it (or names another kind): followed through Slurm all the same.
    expect(executorOfClaim(claim, undefined).kind).toBe('slurm');
  });

  it('names each attempt’s job uniquely per workspace, task, attempt and claim', () => {
    const at = '2026-12-07T05:00:00.000Z';
    const a = jobName(taskPaths('/w1/.dispatch', 't'), 1, at);
    expect(a).toMatch(/^dispatch-t-1-[0-9a-f]{10}$/);
    expect(jobName(taskPaths('/w2/.dispatch', 't'), 1, at)).not.toBe(a);
    expect(jobName(taskPaths('/w1/.dispatch', 't'), 2, at)).not.toBe(a);
    // The same id used again after `clean`: a new claim, a new name (an old job is never adopted).
    expect(jobName(taskPaths('/w1/.dispatch', 't'), 1, '2026-12-07T05:00:00.001Z')).not.toBe(a);
  });

  it('reads Slurm states: waiting, ended', () => {
    expect(['PENDING', 'REQUEUE_HOLD'].every(jobWaiting)).toBe(true);
    expect(['RUNNING', 'COMPLETING', 'PENDING', 'SUSPENDED'].some(jobEnded)).toBe(false);
    expect(['COMPLETED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY'].every(jobEnded)).toBe(true);
  });

  it('says how a job ended in Slurm’s words: TIMEOUT is a timeout, the rest interrupted', () => {
    expect(engineEndCause({ kind: 'slurm', job: '12', state: 'CANCELLED', reason: null })).toEqual({
      kind: 'interrupted',
      message: "Slurm job 12 ended CANCELLED without the worker's exit record: cancelled outside dispatch",
    });
    expect(engineEndCause({ kind: 'slurm', job: '13', state: 'TIMEOUT', reason: 'TimeLimit' }, 'SIGTERM')).toEqual({
      kind: 'timeout',
      message:
        "Slurm job 13 ended TIMEOUT (TimeLimit) (the worker got SIGTERM): Slurm's time limit for the job was reached",
    });
  });

  it('describes where a task runs in one line', () => {
    const base = { name: 'hpc', kind: 'slurm', job: '7', state: 'RUNNING', reason: null, node: 'node07' };
    expect(describeExecutor(base)).toBe('slurm job 7 on node07 RUNNING');
    expect(describeExecutor({ ...base, state: 'PENDING', reason: 'Resources', node: null })).toBe(
      'slurm job 7 PENDING (Resources)',
    );
    expect(describeExecutor({ ...base, job: null, state: null, node: null })).toBe('slurm (hpc): not submitted yet');
  });

  it('run --executor takes local or a name the config defines, never an inherited property', () => {
    const config = {
      path: '/h/config.yaml',
      executors: { local: { ...hpc, name: 'local', kind: 'local' as const }, hpc },
    };
    expect(checkExecutorOption(null, undefined)).toBeUndefined();
    expect(checkExecutorOption(null, 'local')).toBe('local');
    expect(checkExecutorOption(config as never, 'hpc')).toBe('hpc');
    for (const hostile of ['constructor', '__proto__', 'toString', 'hcp'])
      expect(() => checkExecutorOption(config as never, hostile)).toThrow(/no such executor .*executors: local, hpc/);
    expect(() => checkExecutorOption(null, 'hpc')).toThrow(/there is none.*executors: local/);
    expect(executorConfigFor(config as never, undefined, null).kind).toBe('local');
    expect(() => executorConfigFor(config as never, 'constructor', null)).toThrow(/not in the config/);
  });

  it('scans every 5 s unless an executor asks for less', () => {
    expect(scanIntervalMs(null)).toBe(5000);
    const config = {
      executors: { local: { ...hpc, name: 'local', kind: 'local' as const, scanInterval: undefined }, hpc },
    };
    expect(scanIntervalMs(config as never)).toBe(2000);
    expect(scanIntervalMs({ executors: { hpc: { ...hpc, scanInterval: 30 } } } as never)).toBe(5000);
  });
});
