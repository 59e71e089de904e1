import { describe, expect, it } from 'vitest';
import { executorFor, parseConfigDocument, validateConfig } from '../index.js';

function config(text: string) {
  const { value, errors } = validateConfig(parseConfigDocument(text, 'config.yaml').doc, 'config.yaml');
  expect(errors).toEqual([]);
  return value!;
}

const withHpc = config(
  [
    'default: opus',
    'executors:',
    '  hpc: { kind: slurm, sbatch: [--partition=gpu] }',
    '  local: { kind: local, scan_interval: 0.5 }',
    'backends:',
    '  claude: { command: claude -p, executor: hpc }',
    '  codex: { command: codex exec }',
    'models:',
    '  opus: { backend: claude }',
    '',
  ].join('\n'),
);

describe('executorFor', () => {
  it("gives the executor a backend's workers run on: its own, else local as the config sets it", () => {
    expect(executorFor(withHpc, withHpc.backends.claude?.executor)).toEqual({
      name: 'hpc',
      kind: 'slurm',
      sbatch: ['--partition=gpu'],
      scanInterval: undefined,
    });
    expect(executorFor(withHpc, withHpc.backends.codex?.executor)).toEqual({
      name: 'local',
      kind: 'local',
      sbatch: [],
      scanInterval: 0.5,
    });
    expect(executorFor(withHpc, 'local')?.scanInterval).toBe(0.5);
  });

  it('gives nothing for a name the config lacks, even one every object has', () => {
    expect(executorFor(withHpc, 'cluster')).toBeUndefined();
    expect(executorFor(withHpc, 'constructor')).toBeUndefined();
  });

  it('knows only local when there is no config', () => {
    const local = { name: 'local', kind: 'local', sbatch: [], scanInterval: undefined };
    expect(executorFor(null, undefined)).toEqual(local);
    expect(executorFor(null, 'local')).toEqual(local);
    expect(executorFor(null, 'hpc')).toBeUndefined();
  });
});
