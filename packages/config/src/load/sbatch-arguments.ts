import { quote } from './wording.js';

/** An sbatch option a config may not pass: dispatch sets it itself, or it would take the job out of dispatch's hands. */
interface ReservedOption {
  long: string;
  short?: string;
  /** True when dispatch passes the option itself. */
  setByDispatch: boolean;
  why: string;
}

const RESERVED: readonly ReservedOption[] = [
  { long: 'output', short: 'o', setByDispatch: true, why: "the job's output goes to the attempt's log" },
  { long: 'error', short: 'e', setByDispatch: true, why: "the job's output goes to the attempt's log" },
  { long: 'open-mode', setByDispatch: true, why: "the job's output goes to the attempt's log" },
  { long: 'chdir', short: 'D', setByDispatch: true, why: "the job runs in the task's workspace" },
  { long: 'job-name', short: 'J', setByDispatch: true, why: 'the job is named after the task' },
  { long: 'parsable', setByDispatch: true, why: 'it reads the job id sbatch prints' },
  { long: 'wrap', setByDispatch: false, why: "dispatch submits the worker's own job script" },
  { long: 'export', setByDispatch: false, why: "dispatch decides the workers' environment" },
  { long: 'export-file', setByDispatch: false, why: "dispatch decides the workers' environment" },
  { long: 'input', short: 'i', setByDispatch: false, why: 'workers run with stdin closed' },
  { long: 'array', short: 'a', setByDispatch: false, why: 'each attempt is one job' },
  { long: 'wait', short: 'W', setByDispatch: false, why: 'sbatch must return once the job is submitted' },
  { long: 'hold', short: 'H', setByDispatch: false, why: 'a held job would wait for a manual release' },
  { long: 'requeue', setByDispatch: false, why: 'an attempt starts once; dispatch starts a new one after preemption' },
  { long: 'test-only', setByDispatch: false, why: 'sbatch would submit no job' },
  { long: 'help', short: 'h', setByDispatch: false, why: 'sbatch would submit no job' },
  { long: 'usage', short: 'u', setByDispatch: false, why: 'sbatch would submit no job' },
  { long: 'version', short: 'V', setByDispatch: false, why: 'sbatch would submit no job' },
];

// sbatch's short options that take no value: in a cluster such as `-vo`, the letter after one is another option.
const SHORT_FLAGS = new Set(['H', 'h', 'O', 'Q', 's', 'u', 'V', 'v', 'W']);

const isOption = (word: string) => word.length > 1 && word.startsWith('-') && word !== '--';

function reservedOption(word: string): ReservedOption | undefined {
  if (word.startsWith('--')) {
    const name = word.slice(2).split('=', 1)[0] ?? '';
    // getopt_long takes any unambiguous prefix of a long option: `--out=x` is `--output=x`.
    return name === '' ? undefined : RESERVED.find((option) => option.long.startsWith(name));
  }
  for (const letter of word.slice(1)) {
    const option = RESERVED.find((reserved) => reserved.short === letter);
    if (option) return option;
    if (!SHORT_FLAGS.has(letter)) return undefined; // it takes a value: the rest of the word is that value
  }
  return undefined;
}

/** True when `word` is an option whose value is the next word (`--partition`, `-p`), not given in it. */
function awaitsValue(word: string): boolean {
  if (!isOption(word)) return false;
  if (word.startsWith('--')) return !word.includes('=');
  const letters = [...word.slice(1)];
  const index = letters.findIndex((letter) => !SHORT_FLAGS.has(letter));
  return index === letters.length - 1;
}

/**
 * Why the word at `index` of an executor's sbatch arguments cannot be passed, as a message, or
 * undefined when it can: an option dispatch keeps to itself (`--output=x`, `--output x`, `-o x`,
 * `-ox`, an abbreviation such as `--out=x`), `--`, or a word that is neither an option nor an
 * option's value (sbatch would take it for the job script).
 * @example sbatchRefusal(['--partition', 'gpu', '-J', 'x'], 2) // "'-J' is refused: dispatch sets --job-name (-J) itself (...)"
 */
export function sbatchRefusal(words: readonly string[], index: number): string | undefined {
  const word = words[index] ?? '';
  if (word === '--') return "'--' would end sbatch's options: dispatch gives the job script itself";
  if (!isOption(word)) {
    if (index > 0 && awaitsValue(words[index - 1] ?? '')) return undefined;
    return `${quote(word)} is neither an option nor the value of the one before it: sbatch would take it for the job script (write --partition=gpu or [--partition, gpu])`;
  }
  const option = reservedOption(word);
  if (!option) return undefined;
  const name = option.short ? `--${option.long} (-${option.short})` : `--${option.long}`;
  const why = option.setByDispatch
    ? `dispatch sets ${name} itself (${option.why})`
    : `${name} would break dispatch's control of the job (${option.why})`;
  return `${quote(word)} is refused: ${why}`;
}
