import { useState } from 'preact/hooks';
import type { ActionBody, ChartResponse, TaskDetailResponse } from '../../shared/api-types.js';
import { act } from '../api.js';
import { age, clock } from '../format.js';
import { LimitNotice, limitKindOf } from './limits.js';
import { EventsPanel, LogPanel, PlanPanel, QaPanel } from './panels.js';
import { StateChart, type LastTransition } from './state-chart.js';

/** Copies text to the clipboard (the page is a secure context on 127.0.0.1), else via a selection. */
async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

/** The last transition that moved the task up to timeline entry `upTo`. */
function lastMove(detail: TaskDetailResponse, upTo: number): LastTransition | null {
  for (let i = upTo; i >= 0; i--) {
    const e = detail.timeline[i]!;
    if (e.from !== '' && e.from !== e.to) return { from: e.from, to: e.to, event: e.type };
  }
  return null;
}

/** One task: header with actions, the live statechart, Q&A, plan, log and timeline. */
export function TaskPage(props: {
  detail: TaskDetailResponse;
  chart: ChartResponse | null;
  now: number;
  skew: number;
  onActed(): void;
}) {
  const { detail, chart, now, skew } = props;
  const { task } = detail;
  const [selected, setSelected] = useState<number | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [model, setModel] = useState(task.model);
  const [copied, setCopied] = useState(false);
  const [repair, setRepair] = useState({ setDefault: false, removeFailed: false });

  const run = async (action: string, body: ActionBody = {}) => {
    setBusy(true);
    try {
      const reply = await act(task.ws, task.id, action, body);
      setMessage({ ok: reply.ok, text: reply.message });
      props.onActed();
      return reply.ok;
    } finally {
      setBusy(false);
    }
  };
  const historic = selected !== null && selected < detail.timeline.length ? detail.timeline[selected]! : null;
  const shownState = historic ? historic.to : task.state;
  const last = lastMove(detail, historic ? selected! : detail.timeline.length - 1);
  const models = [
    { model: task.model, backend: task.backend, isDefault: false },
    ...detail.models.filter((m) => m.model !== task.model),
  ];
  const { final } = task;
  // A task waiting for its quota may go on now with another model, as a failed one may.
  const waiting = task.waiting !== null;
  const otherModel = model === task.model ? {} : { model };

  return (
    <main class="task-page" data-task={task.id} data-state={task.state}>
      <header class="task-header">
        <div>
          <h1>{task.title}</h1>
          <p class="muted">
            {task.id} · created {age(Date.parse(task.createdAt), now)} ago · attempt {task.attempt} · {task.model} (
            {task.backend}){!task.registered && ' · not created by dispatch run here: read only'}
          </p>
          {task.executor && (
            <p class="muted" data-testid="executor">
              runs on {task.executor.line}
            </p>
          )}
        </div>
        <div class="actions">
          <span class={`badge state-${task.state}`} data-testid="state-badge">
            {task.state}
          </span>
          <select
            data-testid="retry-model"
            aria-label="model for retry or continue"
            title="the model a retry or a continue runs with"
            value={model}
            onChange={(e) => setModel((e.target as HTMLSelectElement).value)}
            disabled={task.state !== 'failed' && task.state !== 'blocked' && !waiting}
          >
            {models.map((m) => (
              <option value={m.model}>
                {m.model}
                {m.isDefault ? ' (default)' : ''}
              </option>
            ))}
          </select>
          <button
            type="button"
            data-testid="retry"
            disabled={busy || (task.state !== 'failed' && !waiting) || !task.registered}
            onClick={() => void run('retry', model === task.model ? {} : { model, ...repair })}
          >
            Retry
          </button>
          <button
            type="button"
            class="danger"
            data-testid="cancel"
            disabled={busy || final || !task.registered}
            onClick={() => void run('cancel')}
          >
            Cancel
          </button>
        </div>
      </header>
      {task.state === 'failed' && model !== task.model && task.registered && (
        <p class="repair">
          <label>
            <input
              type="checkbox"
              data-testid="repair-default"
              checked={repair.setDefault}
              onChange={(e) => setRepair({ ...repair, setDefault: (e.target as HTMLInputElement).checked })}
            />{' '}
            make {model} the default
          </label>
          <label>
            <input
              type="checkbox"
              data-testid="repair-remove"
              checked={repair.removeFailed}
              onChange={(e) => setRepair({ ...repair, removeFailed: (e.target as HTMLInputElement).checked })}
            />{' '}
            remove {task.model} from the config
          </label>
        </p>
      )}
      {message && (
        <p class={`message ${message.ok ? 'ok' : 'refused'}`} role="status" data-testid="action-message">
          {message.text}
        </p>
      )}
      <LimitNotice
        task={task}
        now={now}
        skew={skew}
        busy={busy}
        canRetryElsewhere={task.registered && models.length > 1}
        onRaise={(raise) => run('continue', { ...raise, ...otherModel })}
      />
      {task.error && limitKindOf(task) === null && (
        <p class="message refused">
          {task.error.kind}: {task.error.message}
        </p>
      )}

      <section class="panel chart-panel">
        <h3>
          State{' '}
          <span class="legend">
            <i class="c" /> current <i class="n" /> possible next <i class="l" /> last transition
          </span>
          <button
            type="button"
            class="small"
            data-testid="copy-mermaid"
            disabled={!chart}
            onClick={() => chart && void copy(chart.mermaid).then(() => setCopied(true))}
          >
            {copied ? 'copied' : 'copy as Mermaid'}
          </button>
        </h3>
        {historic && (
          <p class="historic-note" data-testid="historic">
            As it was after <b>{historic.type}</b> at {clock(historic.at)} —{' '}
            <button type="button" class="link" onClick={() => setSelected(null)}>
              back to now
            </button>
          </p>
        )}
        {chart ? (
          <StateChart chart={chart} current={shownState} last={last} historic={historic !== null} />
        ) : (
          <p class="muted">laying the machine out…</p>
        )}
      </section>

      <div class="grid">
        <QaPanel
          detail={detail}
          now={now}
          skew={skew}
          busy={busy}
          onAnswer={(text) =>
            task.state === 'blocked' && model !== task.model
              ? run('continue', { text, model })
              : run('answer', { text })
          }
        />
        <PlanPanel detail={detail} busy={busy} onNote={(text) => run('note', { text })} />
        <LogPanel text={detail.logTail} />
        <EventsPanel timeline={detail.timeline} now={now} selected={selected} onSelect={setSelected} />
      </div>
    </main>
  );
}
