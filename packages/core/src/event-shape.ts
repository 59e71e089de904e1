// What the machine's guards and actions read from each event: a logged line of a known type that
// lacks these facts (a damaged log, a hand edit) would throw inside the machine, so readers check.
type Facts = Record<string, unknown>;
type Check = (e: Facts) => boolean;

const isObject = (v: unknown): v is Facts => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): boolean => typeof v === 'string';
const optional = (check: (v: unknown) => boolean) => (v: unknown) => v === undefined || v === null || check(v);
const error = (v: unknown): boolean => isObject(v) && str(v.kind) && str(v.message);
const question =
  (withText: boolean) =>
  (v: unknown): boolean =>
    isObject(v) && num(v.seq) && (!withText || str(v.text));
const plan = (v: unknown): boolean =>
  isObject(v) && ['total', 'done', 'pending', 'blocked', 'error'].every((k) => num(v[k]));
const input = (v: unknown): boolean =>
  isObject(v) &&
  str(v.id) &&
  str(v.model) &&
  num(v.createdAt) &&
  optional(num)(v.answerTimeoutMs) &&
  optional(num)(v.graceMs) &&
  optional(num)(v.timeLimitMs) &&
  optional(num)(v.budgetUsd) &&
  optional(num)(v.quotaCooldownMs) &&
  optional((p) => p === 'pause' || p === 'fail')(v.onLimit);

const SHAPES: Record<string, Check> = {
  'task.created': (e) => input(e.input),
  'worker.started': (e) => num(e.attempt) && str(e.model) && optional(num)(e.pid),
  'worker.spawn-failed': (e) => num(e.attempt) && error(e.error),
  'question.asked': (e) => question(true)(e.question),
  'question.answered': (e) => question(false)(e.question),
  'answer.timeout': (e) => question(false)(e.question),
  'plan.changed': (e) => plan(e.plan),
  'worker.exited': (e) =>
    num(e.attempt) &&
    optional(num)(e.code) &&
    optional(str)(e.signal) &&
    plan(e.plan) &&
    optional(error)(e.cause) &&
    optional((v) => Array.isArray(v) && v.every(num))(e.acks),
  'worker.stalled': (e) => optional(str)(e.message),
  'task.timeout': (e) => optional(str)(e.message),
  continue: (e) => optional(str)(e.model) && optional(num)(e.timeLimitMs) && optional(num)(e.budgetUsd),
  'quota.wait': (e) => num(e.until) && str(e.message),
  retry: (e) => optional(str)(e.model),
  'model.chosen': (e) => str(e.model),
  'recovery.failed': (e) => error(e.error),
  'dependency.failed': (e) => optional(str)(e.message),
  cancel: (e) => optional(str)(e.reason),
};

/**
 * True when a log line of a type the machine knows carries the facts the machine reads (types
 * it does not know are not its business: true). Readers skip, with a warning, a line that is not.
 * @example isWellFormedEvent({ type: 'question.asked', question: { seq: 1, text: 'JWT?' }, at: 0 }) // true
 */
export function isWellFormedEvent(event: { type: string } & Facts): boolean {
  if (!num(event.at)) return false;
  return SHAPES[event.type]?.(event) ?? true;
}
