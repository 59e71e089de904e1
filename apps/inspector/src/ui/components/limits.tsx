import { useState } from 'preact/hooks';
import type { TaskDetailResponse, TaskSummary } from '../../shared/api-types.js';
import { quotaWaitText } from '../format.js';

/** A raised limit as the continue action takes it: whole seconds, or US dollars. */
export type Raise = { timeLimit: number } | { budgetUsd: number };

/** The limit a blocked task stopped at — raising it, not an answer, is the way on — or null. */
export function limitKindOf(task: Pick<TaskSummary, 'state' | 'error'>): 'budget' | 'time-limit' | null {
  const kind = task.error?.kind;
  return task.state === 'blocked' && (kind === 'budget' || kind === 'time-limit') ? kind : null;
}

/**
 * A quota wait counted down on the page's own clock (`skew`: the page's clock minus the
 * server's), so it ticks every second without asking the server; at zero the daemon starts the
 * task again by itself, and it says so.
 */
export function QuotaCountdown(props: { until: string; now: number; skew: number }) {
  const until = Date.parse(props.until);
  const serverNow = props.now - props.skew;
  return (
    <span class="quota-countdown" data-testid="quota-countdown" data-ended={until <= serverNow ? '' : undefined}>
      {quotaWaitText(until, serverNow)}
    </span>
  );
}

/** What the user sees of a task paused on a limit: the quota wait, or the limit reached with its raise form. */
export function LimitNotice(props: {
  task: TaskDetailResponse['task'];
  now: number;
  skew: number;
  busy: boolean;
  /** Another model is offered for a retry (the model chooser above). */
  canRetryElsewhere: boolean;
  onRaise(raise: Raise): Promise<boolean>;
}) {
  const { task } = props;
  const limit = limitKindOf(task);
  if (task.waiting !== null) {
    return (
      <section class="notice waiting" data-testid="quota-wait">
        <p class="headline">
          <span class="glyph">◷</span> <QuotaCountdown until={task.waiting.until} now={props.now} skew={props.skew} />
        </p>
        <p class="muted">{task.waiting.message}</p>
        <p class="muted">
          It starts again by itself then
          {props.canRetryElsewhere ? '; or choose another model above and Retry to go on now.' : '.'}
        </p>
      </section>
    );
  }
  if (limit === null) return null;
  return (
    <section class="notice limit" data-testid="limit-block" data-kind={limit}>
      <p class="headline">
        <span class="glyph">!</span> stopped at its {limit === 'budget' ? 'budget' : 'time limit'}
      </p>
      <p class="muted">{task.error?.message}</p>
      {task.registered && (
        <RaiseLimitForm kind={limit} was={task.error?.limit} busy={props.busy} onRaise={props.onRaise} />
      )}
    </section>
  );
}

/** `$1.00`, `2 s`, `10 min`: a limit as the form names what it was. */
const formatLimit = (kind: 'budget' | 'time-limit', value: number) =>
  kind === 'budget' ? usd(value) : value < 120 ? `${value} s` : `${Math.round(value / 60)} min`;

/** `$2.50`, and the digits a small sum needs (`$0.0001`). */
const usd = (value: number) => `$${value.toFixed(value < 0.1 ? 4 : 2)}`;

/** The new limit the form starts with: twice the old one (whole minutes for a time limit). */
function suggestion(kind: 'budget' | 'time-limit', was: number | undefined): string {
  if (kind === 'budget')
    return was === undefined ? '' : was * 2 >= 0.1 ? (was * 2).toFixed(2) : String(Number((was * 2).toPrecision(2)));
  return was === undefined ? '' : String(Math.max(1, Math.ceil((was * 2) / 60)));
}

/** One number (US dollars, or minutes for a time limit) and the button that continues with it. */
function RaiseLimitForm(props: {
  kind: 'budget' | 'time-limit';
  was: number | undefined;
  busy: boolean;
  onRaise(raise: Raise): Promise<boolean>;
}) {
  const { kind, was } = props;
  const [value, setValue] = useState(() => suggestion(kind, was));
  const amount = Number(value);
  // The page asks in minutes; the request carries whole seconds, as `--time-limit` does.
  const raise: Raise = kind === 'budget' ? { budgetUsd: amount } : { timeLimit: Math.round(amount * 60) };
  const valid = value.trim() !== '' && Number.isFinite(amount) && ('budgetUsd' in raise ? amount : raise.timeLimit) > 0;
  const what = kind === 'budget' ? 'budget' : 'time limit';
  return (
    <form
      class="raise-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid) void props.onRaise(raise);
      }}
    >
      <label>
        <span>
          New {what} ({kind === 'budget' ? 'US dollars' : 'minutes'}
          {was === undefined ? '' : `; was ${formatLimit(kind, was)}`})
        </span>
        <input
          type="number"
          min={kind === 'budget' ? 0.01 : 1}
          step={kind === 'budget' ? 0.01 : 1}
          data-testid="raise-limit-input"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" class="primary" data-testid="raise-limit" disabled={props.busy || !valid}>
        Raise {what} and continue
      </button>
    </form>
  );
}
