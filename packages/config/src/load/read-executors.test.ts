import { describe, expect, it } from 'vitest';
import { parseConfigDocument, validateConfig } from './index.js';

function validate(text: string) {
  const parsed = parseConfigDocument(text, 'config.yaml');
  expect(parsed.errors).toEqual([]);
  return validateConfig(parsed.doc, 'config.yaml');
}

const lines = (...text: string[]) => `${text.join('\n')}\n`;
const BASE = [
  'default: opus',
  'backends:',
  '  claude: { command: claude -p }',
  'models:',
  '  opus: { backend: claude }',
];
const LOCAL = { name: 'local', kind: 'local', sbatch: [], scanInterval: undefined };

/** The errors of BASE plus an `executors` section holding `hpc` with these sbatch arguments, as [line, col, message]. */
function sbatchErrors(words: string) {
  const { errors } = validate(lines(...BASE, 'executors:', `  hpc: { kind: slurm, sbatch: ${words} }`));
  return errors.map((e) => [e.position?.line, e.position?.col, e.message]);
}

describe('executors: what is read', () => {
  it('reads slurm and local executors, a backend sent to one, and limits naming executors', () => {
    const { value, errors, warnings } = validate(
      lines(
        'default: opus',
        'executors:',
        '  hpc:',
        '    kind: slurm',
        '    sbatch: [--partition=gpu, --time=4:00:00, -N, "2", --gres, "gpu:1"]',
        '    scan_interval: 0.5',
        '  local: { kind: local, scan_interval: 3600 }',
        '  box: { kind: local }',
        'backends:',
        '  claude: { command: claude -p, executor: hpc }',
        '  codex: { command: codex exec, executor: local }',
        '  gemini: { command: gemini, executor: }',
        'models:',
        '  opus: { backend: claude }',
        'limits: { total: 60, hpc: 50, local: 4, claude: 2 }',
      ),
    );
    expect([errors, warnings]).toEqual([[], []]);
    expect(value?.executors).toStrictEqual({
      local: { name: 'local', kind: 'local', sbatch: [], scanInterval: 3600 },
      hpc: {
        name: 'hpc',
        kind: 'slurm',
        sbatch: ['--partition=gpu', '--time=4:00:00', '-N', '2', '--gres', 'gpu:1'],
        scanInterval: 0.5,
      },
      box: { name: 'box', kind: 'local', sbatch: [], scanInterval: undefined },
    });
    expect(value?.backends.claude?.executor).toBe('hpc');
    expect(value?.backends.codex?.executor).toBe('local');
    expect(value?.backends.gemini?.executor).toBeUndefined();
    expect(value?.limits).toStrictEqual({ total: 60, backends: { claude: 2 }, executors: { hpc: 50, local: 4 } });
  });

  it('has local alone when executors is left out or empty, and a backend may name it', () => {
    for (const section of [[], ['executors:'], ['executors: ~']]) {
      const { value, errors, warnings } = validate(lines(...BASE, ...section));
      expect([errors, warnings]).toEqual([[], []]);
      expect(value?.executors).toStrictEqual({ local: LOCAL });
    }
    const named = validate(
      lines(
        'default: opus',
        'backends:',
        '  claude: { command: claude -p, executor: local }',
        'models:',
        '  opus: { backend: claude }',
      ),
    );
    expect(named.errors).toEqual([]);
    expect(named.value?.backends.claude?.executor).toBe('local');
  });

  it('warns about an unknown key under an executor, with a near name, and still loads', () => {
    const { value, errors, warnings } = validate(
      lines(...BASE, 'executors:', '  hpc:', '    kind: slurm', '    scan_intervall: 5', '    partition: gpu'),
    );
    expect(errors).toEqual([]);
    expect(value?.executors.hpc).toEqual({ name: 'hpc', kind: 'slurm', sbatch: [], scanInterval: undefined });
    expect(warnings).toEqual([
      {
        message: 'executors.hpc.scan_intervall: unknown key, ignored (did you mean scan_interval?)',
        key: 'executors.hpc.scan_intervall',
        position: { line: 9, col: 5 },
      },
      {
        message: 'executors.hpc.partition: unknown key, ignored',
        key: 'executors.hpc.partition',
        position: { line: 10, col: 5 },
      },
    ]);
  });
});

describe('executors: errors naming the line', () => {
  it('refuses an unknown kind with a near one, a missing kind, and a local executor of another kind', () => {
    const { value, errors } = validate(
      lines(
        ...BASE,
        'executors:',
        '  hpc:',
        '    kind: slrum',
        '  gpu: { sbatch: [--partition=gpu] }',
        '  k8s: { kind: kubernetes }',
        '  local: { kind: slurm }',
      ),
    );
    expect(value).toBeNull();
    expect(errors).toEqual([
      {
        message: "executors.hpc.kind: 'slrum' is not an executor kind: local or slurm (did you mean slurm?)",
        key: 'executors.hpc.kind',
        position: { line: 8, col: 11 },
      },
      {
        message: 'executors.gpu: missing kind: expected local or slurm',
        key: 'executors.gpu.kind',
        position: { line: 9, col: 3 },
      },
      {
        message: "executors.k8s.kind: 'kubernetes' is not an executor kind: local or slurm",
        key: 'executors.k8s.kind',
        position: { line: 10, col: 16 },
      },
      {
        message:
          'executors.local.kind: local is this machine, so its kind is local: give the slurm executor a name of its own',
        key: 'executors.local.kind',
        position: { line: 11, col: 18 },
      },
    ]);
  });

  it('refuses executors that are not a mapping, an executor that is not one, and an invalid name', () => {
    const list = validate(lines(...BASE, 'executors: [hpc]'));
    expect(list.errors.map((e) => [e.position?.line, e.position?.col, e.message])).toEqual([
      [
        6,
        12,
        'executors: expected a mapping of executors (e.g. hpc: { kind: slurm, sbatch: [--partition=gpu] }), got a list',
      ],
    ]);
    const entries = validate(lines(...BASE, 'executors:', '  hpc: slurm', '  "my hpc": { kind: slurm }'));
    expect(entries.errors.map((e) => [e.position?.line, e.message])).toEqual([
      [7, "executors.hpc: expected { kind: <local or slurm>, ... }, got the string 'slurm'"],
      [
        8,
        "executors.my hpc: invalid executor name 'my hpc': use letters, digits and . _ : / @ + - and start with a letter or digit",
      ],
    ]);
  });

  it('refuses sbatch that is not a list of strings, naming the item at fault', () => {
    expect(sbatchErrors('--partition=gpu')).toEqual([
      [
        7,
        31,
        "executors.hpc.sbatch: expected a list of sbatch arguments, one word each (e.g. [--partition=gpu, --time=4:00:00]), got the string '--partition=gpu'",
      ],
    ]);
    const expected = 'expected an sbatch argument as a string (e.g. --partition=gpu; quote a number: "4")';
    expect(sbatchErrors('[--nodes, 2, { a: 1 }, --time=1:00:00, ""]')).toEqual([
      [7, 41, `executors.hpc.sbatch[1]: ${expected}, got the number 2`],
      [7, 44, `executors.hpc.sbatch[2]: ${expected}, got a mapping`],
      [7, 70, 'executors.hpc.sbatch[4]: is empty: expected an sbatch argument'],
    ]);
    const nothing = validate(
      lines(...BASE, 'executors:', '  hpc:', '    kind: slurm', '    sbatch:', '      - --qos=low', '      -'),
    );
    expect(nothing.errors.map((e) => [e.position?.line, e.message])).toEqual([
      [11, `executors.hpc.sbatch[1]: ${expected}, got nothing`],
    ]);
  });

  it('refuses sbatch on a local executor', () => {
    const { errors } = validate(lines(...BASE, 'executors:', '  local: { kind: local, sbatch: [--partition=gpu] }'));
    expect(errors.map((e) => [e.position?.line, e.position?.col, e.message])).toEqual([
      [7, 33, 'executors.local.sbatch: applies only to slurm executors, and this one is local'],
    ]);
  });

  it('refuses a scan_interval that is not seconds from 0.1 to 3600', () => {
    for (const bad of ['0', '-1', '0.05', '3601', '"5"', '.nan', 'soon']) {
      const { errors } = validate(
        lines(...BASE, 'executors:', '  hpc:', '    kind: slurm', `    scan_interval: ${bad}`),
      );
      expect(
        errors.map((e) => [e.position?.line, e.position?.col, e.message.split(', got')[0]]),
        bad,
      ).toEqual([
        [9, 20, 'executors.hpc.scan_interval: expected seconds from 0.1 to 3600 (fractions allowed, e.g. 0.5)'],
      ]);
    }
  });
});

describe('executors: sbatch arguments dispatch keeps to itself', () => {
  it.each([
    ['[--output=out.log]', "'--output=out.log' is refused: dispatch sets --output (-o) itself"],
    ['[--output, out.log]', "'--output' is refused: dispatch sets --output (-o) itself"],
    ['[-o, out.log]', "'-o' is refused: dispatch sets --output (-o) itself"],
    ['[-oout.log]', "'-oout.log' is refused: dispatch sets --output (-o) itself"],
    ['[-vo, out.log]', "'-vo' is refused: dispatch sets --output (-o) itself"],
    ['[--out=x]', "'--out=x' is refused: dispatch sets --output (-o) itself"],
    ['[--error=err.log]', "'--error=err.log' is refused: dispatch sets --error (-e) itself"],
    ['[-e, err.log]', "'-e' is refused: dispatch sets --error (-e) itself"],
    ['[--open-mode=append]', "'--open-mode=append' is refused: dispatch sets --open-mode itself"],
    ['[--chdir=/scratch]', "'--chdir=/scratch' is refused: dispatch sets --chdir (-D) itself"],
    ['[-D, /scratch]', "'-D' is refused: dispatch sets --chdir (-D) itself"],
    ['[--job-name=x]', "'--job-name=x' is refused: dispatch sets --job-name (-J) itself"],
    ['[-J, x]', "'-J' is refused: dispatch sets --job-name (-J) itself"],
    ['[--parsable]', "'--parsable' is refused: dispatch sets --parsable itself"],
    ['["--wrap=echo hi"]', "'--wrap=echo hi' is refused: --wrap would break dispatch's control of the job"],
    ['[--export=ALL]', "'--export=ALL' is refused: --export would break dispatch's control of the job"],
    ['[--export, NONE]', "'--export' is refused: --export would break dispatch's control of the job"],
    ['[--array=1-4]', "'--array=1-4' is refused: --array (-a) would break dispatch's control of the job"],
    ['[-a, 1-4]', "'-a' is refused: --array (-a) would break dispatch's control of the job"],
    ['[--wait]', "'--wait' is refused: --wait (-W) would break dispatch's control of the job"],
    ['[-W]', "'-W' is refused: --wait (-W) would break dispatch's control of the job"],
    ['[--hold]', "'--hold' is refused: --hold (-H) would break dispatch's control of the job"],
    ['[-H]', "'-H' is refused: --hold (-H) would break dispatch's control of the job"],
    ['[--export-file=env]', "'--export-file=env' is refused: --export-file would break dispatch's control of the job"],
    ['[-i, in.txt]', "'-i' is refused: --input (-i) would break dispatch's control of the job"],
    ['[--requeue]', "'--requeue' is refused: --requeue would break dispatch's control of the job"],
    ['[--test-only]', "'--test-only' is refused: --test-only would break dispatch's control of the job"],
  ])('refuses %s, naming its line and word', (words, message) => {
    const errors = sbatchErrors(words);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.[0]).toBe(7);
    expect(errors[0]?.[2]).toContain(`executors.hpc.sbatch[0]: ${message}`);
  });

  it('says what dispatch does instead', () => {
    expect(sbatchErrors('[--partition=gpu, --output=x.log]')).toEqual([
      [
        7,
        49,
        "executors.hpc.sbatch[1]: '--output=x.log' is refused: dispatch sets --output (-o) itself (the job's output goes to the attempt's log)",
      ],
    ]);
  });

  it('refuses a word sbatch would take for the job script, and --', () => {
    expect(sbatchErrors('[--partition=gpu, gpu, --, --qos=low]')).toEqual([
      [
        7,
        49,
        "executors.hpc.sbatch[1]: 'gpu' is neither an option nor the value of the one before it: sbatch would take it for the job script (write --partition=gpu or [--partition, gpu])",
      ],
      [7, 54, "executors.hpc.sbatch[2]: '--' would end sbatch's options: dispatch gives the job script itself"],
    ]);
  });

  it('passes options of its own, and values that merely look like reserved ones', () => {
    const words = '[-p, debug, -pgpu, --exclusive, --wait-all-nodes=1, -N, "2", --comment, x, --verbose, -v]';
    expect(sbatchErrors(words)).toEqual([]);
  });
});

describe("a backend's executor and limits", () => {
  it('refuses a backend executor that is not defined, with a near name, naming its line', () => {
    const { value, errors } = validate(
      lines(
        'default: opus',
        'executors:',
        '  hpc: { kind: slurm }',
        'backends:',
        '  claude:',
        '    command: claude -p',
        '    executor: hcp',
        '  codex: { command: codex exec, executor: [hpc] }',
        'models:',
        '  opus: { backend: claude }',
      ),
    );
    expect(value).toBeNull();
    expect(errors).toEqual([
      {
        message: "backends.claude: executor 'hcp' is not defined in executors (did you mean hpc?)",
        key: 'backends.claude.executor',
        position: { line: 7, col: 15 },
      },
      {
        message: 'backends.codex.executor: expected the name of an executor in executors, or local, got a list',
        key: 'backends.codex.executor',
        position: { line: 8, col: 43 },
      },
    ]);
  });

  it('does not check a backend executor when executors could not be read', () => {
    const { errors } = validate(
      lines(
        'default: opus',
        'executors: hpc',
        'backends:',
        '  claude: { command: claude -p, executor: hpc }',
        'models:',
        '  opus: { backend: claude }',
      ),
    );
    expect(errors.map((e) => e.message)).toEqual([
      "executors: expected a mapping of executors (e.g. hpc: { kind: slurm, sbatch: [--partition=gpu] }), got the string 'hpc'",
    ]);
  });

  it('refuses a limit on a name that is both a backend and an executor', () => {
    const clash = validate(
      lines(
        'default: opus',
        'executors:',
        '  hpc: { kind: slurm }',
        'backends:',
        '  claude: { command: claude -p }',
        '  hpc: { command: hpc-agent }',
        '  local: { command: local-agent }',
        'models:',
        '  opus: { backend: claude }',
        'limits:',
        '  hpc: 2',
        '  local: 1',
      ),
    );
    expect(clash.errors.map((e) => [e.position?.line, e.position?.col, e.message])).toEqual([
      [11, 3, "limits.hpc: 'hpc' is both a backend and an executor, so this limit is ambiguous: rename one of them"],
      [
        12,
        3,
        "limits.local: 'local' is both a backend and an executor, so this limit is ambiguous: rename one of them",
      ],
    ]);
  });

  it('names executors among what limits take, with a near one', () => {
    const { errors } = validate(lines(...BASE, 'executors:', '  cluster: { kind: slurm }', 'limits: { clustr: 5 }'));
    expect(errors.map((e) => [e.position?.line, e.position?.col, e.message])).toEqual([
      [
        8,
        11,
        "limits.clustr: 'clustr' is not a backend or an executor: limits take total, a name in backends or a name in executors (did you mean cluster?)",
      ],
    ]);
  });
});
