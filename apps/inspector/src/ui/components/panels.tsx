import { useEffect, useRef, useState } from 'preact/hooks';
import type { TaskDetailResponse, TimelineEntry } from '../../shared/api-types.js';
import { age, clock, countdown } from '../format.js';
import { limitKindOf } from './limits.js';

type Detail = TaskDetailResponse;

/** Plan text without markdown emphasis (`**Blocker:**` reads `Blocker:`). */
const plain = (text: string) => text.replace(/\*\*([^*]+)\*\*/g, '$1').replace(/^>\s*/, '');

// Typed-but-unsent texts, by task and box: they survive live updates and going elsewhere and back.
const drafts = new Map<string, string>();

/** A text box whose text is kept in `drafts` under `draftKey`. */
function useDraft(draftKey: string): [string, (v: string) => void] {
  const [text, setText] = useState(drafts.get(draftKey) ?? '');
  useEffect(() => setText(drafts.get(draftKey) ?? ''), [draftKey]);
  return [
    text,
    (v) => {
      drafts.set(draftKey, v);
      setText(v);
    },
  ];
}

/** The question and answer thread, with the answer box and the time left. */
export function QaPanel(props: {
  detail: Detail;
  now: number;
  skew: number;
  busy: boolean;
  onAnswer(text: string): Promise<boolean>;
}) {
  const { detail, now, skew } = props;
  const { task } = detail;
  const key = `${task.ws}/${task.id}/answer`;
  const [text, setText] = useDraft(key);
  const pending = detail.thread.find((q) => q.answer === null && q.deadline !== null);
  // A task blocked on a limit takes no answer: its raise form (LimitNotice) is the way on.
  const canAnswer =
    limitKindOf(task) === null && (pending !== undefined || task.state === 'blocked' || detail.task.question !== null);
  const blockedItem = task.items.find((i) => i.mark === 'blocked');
  const send = async () => {
    if (await props.onAnswer(text)) setText('');
  };
  return (
    <section class="panel qa" data-testid="qa">
      <h3>Questions &amp; answers</h3>
      {detail.thread.length === 0 && !blockedItem && <p class="muted">No questions yet.</p>}
      {detail.thread.map((q) => (
        <div class={`question${q.answer === null ? ' open' : ''}`} data-seq={q.seq}>
          <div class="meta">
            worker · #{q.seq}
            {q.askedAt !== null && ` · ${age(q.askedAt, now)} ago`}
            {q.answer === null && q.deadline !== null && (
              <span class="deadline" data-testid="time-left">
                {' · '}
                {q.deadline - (now - skew) > 0
                  ? `${countdown(q.deadline - (now - skew))} left before the worker gives up`
                  : 'answer deadline passed'}
              </span>
            )}
          </div>
          <p class="text">{q.question}</p>
          {q.answer !== null && (
            <div class="answer">
              <span class="meta">
                you{q.answeredAt !== null && ` · ${age(q.answeredAt, now)} ago`}
                {q.acknowledged && ' · read by the worker'}
              </span>
              <p class="text">{q.answer}</p>
            </div>
          )}
        </div>
      ))}
      {blockedItem && task.state === 'blocked' && (
        <div class="question open blocked-item">
          <div class="meta">blocked item</div>
          <p class="text">
            {blockedItem.text}
            {blockedItem.note ? ` — ${plain(blockedItem.note)}` : ''}
          </p>
        </div>
      )}
      {canAnswer && (
        <form
          class="answer-box"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <textarea
            data-testid="answer-input"
            placeholder={task.state === 'blocked' ? 'Answer to continue the task…' : 'Type your answer…'}
            value={text}
            onInput={(e) => setText((e.target as HTMLTextAreaElement).value)}
            rows={3}
          />
          <button type="submit" class="primary" data-testid="answer-send" disabled={props.busy || text.trim() === ''}>
            {task.state === 'blocked' ? 'Answer and continue' : 'Send answer'}
          </button>
        </form>
      )}
    </section>
  );
}

const MARK: Record<string, string> = { done: '✓', pending: '', blocked: '?', error: '!' };

/** The plan with its marks, notes and the note box. */
export function PlanPanel(props: { detail: Detail; busy: boolean; onNote(text: string): Promise<boolean> }) {
  const { task, notes } = props.detail;
  const [text, setText] = useDraft(`${task.ws}/${task.id}/note`);
  const pct = task.progress.total === 0 ? 0 : (100 * task.progress.done) / task.progress.total;
  const { final } = task;
  return (
    <section class="panel plan" data-testid="plan">
      <h3>
        Plan{' '}
        <span class="muted">
          {task.progress.done}/{task.progress.total}
        </span>
      </h3>
      <div class="progress">
        <div style={{ width: `${pct}%` }} />
      </div>
      <ul class="items">
        {task.items.map((i) => (
          <li class={`item mark-${i.mark}`} data-mark={i.mark}>
            <span class="box" role="img" aria-label={i.mark}>
              {MARK[i.mark]}
            </span>
            <span>
              {i.text}
              {i.note && <span class="note"> — {plain(i.note)}</span>}
            </span>
          </li>
        ))}
      </ul>
      {notes.length > 0 && (
        <>
          <h4>Notes</h4>
          {notes.map((n) => (
            <blockquote data-testid="plan-note">{n}</blockquote>
          ))}
        </>
      )}
      {!final && (
        <form
          class="note-box"
          onSubmit={async (e) => {
            e.preventDefault();
            if (await props.onNote(text)) setText('');
          }}
        >
          <input
            data-testid="note-input"
            placeholder="Add a note for the worker…"
            value={text}
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <button type="submit" data-testid="note-send" disabled={props.busy || text.trim() === ''}>
            Add note
          </button>
        </form>
      )}
    </section>
  );
}

/** The tail of worker.log, kept scrolled to the end while the user has not scrolled up. */
export function LogPanel(props: { text: string }) {
  const ref = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const el = ref.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [props.text]);
  return (
    <section class="panel log">
      <h3>
        Worker log <span class="muted">tail</span>
      </h3>
      <pre
        ref={ref}
        data-testid="log"
        onScroll={(e) => {
          const el = e.target as HTMLElement;
          pinned.current = el.scrollTop + el.clientHeight >= el.scrollHeight - 8;
        }}
      >
        {props.text === '' ? 'no output yet' : props.text}
      </pre>
    </section>
  );
}

/** The timeline: every event with its time and the transition it caused; one can be selected. */
export function EventsPanel(props: {
  timeline: TimelineEntry[];
  now: number;
  selected: number | null;
  onSelect(index: number | null): void;
}) {
  // `state.entered` lines are notes of the transition their event already shows.
  const [notes, setNotes] = useState(false);
  const rows = props.timeline
    .map((e, i) => ({ e, i }))
    .filter(({ e }) => notes || e.type !== 'state.entered')
    .reverse();
  return (
    <section class="panel events" data-testid="timeline">
      <h3>
        Events <span class="muted">select one to see the machine as it was then</span>
        <label class="muted toggle">
          <input type="checkbox" checked={notes} onChange={(e) => setNotes((e.target as HTMLInputElement).checked)} />{' '}
          state notes
        </label>
      </h3>
      <ol>
        {rows.map(({ e, i }) => (
          <li>
            <button
              type="button"
              class={`event${props.selected === i ? ' selected' : ''}${e.pending ? ' pending' : ''}${e.from !== e.to ? ' moved' : ''}`}
              data-index={i}
              data-type={e.type}
              title={`${new Date(e.at).toISOString()}${Object.keys(e.facts).length ? `\n${JSON.stringify(e.facts)}` : ''}`}
              onClick={() => props.onSelect(props.selected === i ? null : i)}
            >
              <span class="when">{clock(e.at)}</span>
              <span class="what">{e.type}</span>
              <span class="move">{e.from === '' ? `∅ → ${e.to}` : e.from === e.to ? e.to : `${e.from} → ${e.to}`}</span>
              {e.pending && <span class="muted"> (not logged yet)</span>}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
