import { isScalar } from 'yaml';
import type { Limits } from '../types.js';
import { describe, isNull, type ConfigReader, type Field } from './reader.js';
import { quote } from './wording.js';
import { DEFAULT_QUOTA_COOLDOWN, DEFAULT_TIME_LIMIT, MAX_ANSWER_TIMEOUT } from '../defaults.js';

export { DEFAULT_QUOTA_COOLDOWN, DEFAULT_TIME_LIMIT, MAX_ANSWER_TIMEOUT };

/** dispatch's own optional keys, validated. */
export interface OptionsRead {
  answerTimeout: number | undefined;
  limits: Limits | undefined;
  fallback: string[];
  notify: string | undefined;
  quotaCooldown: number;
  timeLimit: number;
  worktreeSetup: string | undefined;
  budgetUsd: number | undefined;
}

function positiveInteger(
  reader: ConfigReader,
  field: Field,
  expected: string,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const value = isScalar(field.value) ? field.value.value : undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max) return value;
  reader.error(field.path, `expected ${expected}, got ${describe(field.value)}`, field.at);
  return undefined;
}

// A limit names total, a backend or an executor; a name that is both could mean either, so it is refused.
// Names are not checked when backends or executors could not be read (that error is reported already).
function readLimits(
  reader: ConfigReader,
  section: Field | undefined,
  known: { backends: Set<string> | undefined; executors: Set<string> | undefined },
): Limits | undefined {
  const map = reader.section(section, 'a mapping like { total: 4, claude: 2 }');
  if (!map || !section) return undefined;
  const { backends, executors } = known;
  const limits: Limits = { backends: {}, executors: {} };
  for (const entry of reader.fields(map, section.path).values()) {
    const isBackend = backends?.has(entry.name) ?? false;
    const isExecutor = executors?.has(entry.name) ?? false;
    if (entry.name !== 'total' && isBackend && isExecutor) {
      reader.error(
        entry.path,
        `${quote(entry.name)} is both a backend and an executor, so this limit is ambiguous: rename one of them`,
        entry.key,
      );
      continue;
    }
    if (entry.name !== 'total' && !isBackend && !isExecutor && backends && executors) {
      const near = reader.suggest(entry.name, ['total', ...backends, ...executors]);
      reader.error(
        entry.path,
        `${quote(entry.name)} is not a backend or an executor: limits take total, a name in backends or a name in executors${near}`,
        entry.key,
      );
      continue;
    }
    const limit = positiveInteger(reader, entry, 'a whole number of tasks at once, 1 or more');
    if (limit === undefined) continue;
    if (entry.name === 'total') limits.total = limit;
    else if (isExecutor) limits.executors[entry.name] = limit;
    else limits.backends[entry.name] = limit;
  }
  return limits;
}

function readFallback(reader: ConfigReader, field: Field | undefined, models: Set<string> | undefined): string[] {
  if (field === undefined || isNull(field.value)) return [];
  const entries = reader.list(field, 'a list of model ids (e.g. [sonnet, haiku])');
  if (!entries) return [];
  const fallback: string[] = [];
  for (const entry of entries) {
    const model = reader.string(entry, 'a model id');
    if (model === undefined) continue;
    if (!models || models.has(model)) fallback.push(model);
    else
      reader.error(
        entry.path,
        `model ${quote(model)} is not defined in models${reader.suggest(model, models)}`,
        entry.at,
      );
  }
  return fallback;
}

/** Reads `answer_timeout`, `limits`, `fallback`, `notify`, `quota_cooldown`, `time_limit`, `worktree_setup` and `budget_usd`; a key with no value counts as left out. */
export function readOptions(
  reader: ConfigReader,
  top: Map<string, Field>,
  known: {
    backends: Set<string> | undefined;
    executors: Set<string> | undefined;
    models: Set<string> | undefined;
  },
): OptionsRead {
  const options: OptionsRead = {
    answerTimeout: undefined,
    limits: undefined,
    fallback: [],
    notify: undefined,
    quotaCooldown: DEFAULT_QUOTA_COOLDOWN,
    timeLimit: DEFAULT_TIME_LIMIT,
    worktreeSetup: undefined,
    budgetUsd: undefined,
  };
  const timeout = top.get('answer_timeout');
  if (timeout && !isNull(timeout.value)) {
    options.answerTimeout = positiveInteger(
      reader,
      timeout,
      `whole seconds from 1 to ${MAX_ANSWER_TIMEOUT} (a week)`,
      MAX_ANSWER_TIMEOUT,
    );
  }
  const cooldown = top.get('quota_cooldown');
  if (cooldown && !isNull(cooldown.value)) {
    options.quotaCooldown =
      positiveInteger(reader, cooldown, `whole seconds from 1 to ${MAX_ANSWER_TIMEOUT} (a week)`, MAX_ANSWER_TIMEOUT) ??
      DEFAULT_QUOTA_COOLDOWN;
  }
  const budget = top.get('budget_usd');
  if (budget && !isNull(budget.value)) {
    const value = isScalar(budget.value) ? budget.value.value : undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) options.budgetUsd = value;
    else
      reader.error(
        budget.path,
        `expected a spend limit in US dollars per worker run, more than 0 (e.g. 5), got ${describe(budget.value)}`,
        budget.at,
      );
  }
  const setup = top.get('worktree_setup');
  if (setup && !isNull(setup.value)) {
    options.worktreeSetup = reader
      .required(
        setup,
        { path: '', key: setup.key },
        'worktree_setup',
        'a shell command run in a new worktree before its worker (e.g. cp ../../../.env . && npm ci)',
      )
      ?.trim();
  }
  const timeLimit = top.get('time_limit');
  if (timeLimit && !isNull(timeLimit.value)) {
    options.timeLimit =
      positiveInteger(
        reader,
        timeLimit,
        `whole seconds from 1 to ${MAX_ANSWER_TIMEOUT} (a week)`,
        MAX_ANSWER_TIMEOUT,
      ) ?? DEFAULT_TIME_LIMIT;
  }
  options.limits = readLimits(reader, top.get('limits'), known);
  options.fallback = readFallback(reader, top.get('fallback'), known.models);
  const notify = top.get('notify');
  if (notify && !isNull(notify.value)) {
    options.notify = reader
      .required(notify, { path: '', key: notify.key }, 'notify', 'a shell command to run on notable events')
      ?.trim();
  }
  return options;
}
