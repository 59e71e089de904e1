import type { TaskListResponse, TaskSummary } from '../../shared/api-types.js';
import { age } from '../format.js';
import { QuotaCountdown } from './limits.js';
import { taskHref } from '../router.js';

/** The list's filters: everything, what needs you, then each state the server names. */
const filtersOf = (list: TaskListResponse | null): string[] => ['all', 'needs-you', ...(list?.states ?? [])];

function matches(task: TaskSummary, filter: string): boolean {
  if (filter === 'all') return true;
  if (filter === 'needs-you') return task.needsUser;
  return task.state === filter;
}

/** The sidebar: every task of every workspace, what needs the user first and loud. */
export function TaskList(props: {
  list: TaskListResponse | null;
  filter: string;
  selected: string | null;
  now: number;
  /** The page's clock minus the server's, for countdowns to the server's moments. */
  skew: number;
  onFilter(f: string): void;
}) {
  const { list, filter, selected, now, skew } = props;
  return (
    <nav class="sidebar" aria-label="tasks">
      <label class="filter">
        <span>state</span>
        <select
          data-testid="state-filter"
          value={filter}
          onChange={(e) => props.onFilter((e.target as HTMLSelectElement).value)}
        >
          {filtersOf(list).map((f) => (
            <option value={f}>{f}</option>
          ))}
        </select>
      </label>
      {list === null && <p class="muted pad">loading…</p>}
      {list?.workspaces.map((w) => {
        const tasks = w.tasks.filter((t) => matches(t, filter));
        return (
          <section class="workspace" data-ws={w.ws}>
            <h2 title={w.dispatchDir}>{w.current ? 'this workspace' : w.dispatchDir.replace(/\/\.dispatch$/, '')}</h2>
            {tasks.length === 0 && <p class="muted pad">no tasks{filter === 'all' ? '' : ` ${filter}`}</p>}
            <ul>
              {tasks.map((t) => (
                <li>
                  <a
                    href={taskHref(t.id, t.ws, w.current)}
                    class={`task-row${t.needsUser ? ' needs-user' : ''}${selected === `${t.ws}/${t.id}` ? ' selected' : ''}`}
                    data-task={t.id}
                    data-state={t.state}
                  >
                    <span class="row-top">
                      <span class={`badge state-${t.state}`}>{t.state}</span>
                      {t.needsYou && (
                        <span class="attention" title={t.needsYou.text} data-kind={t.needsYou.kind}>
                          {t.needsYou.glyph}
                        </span>
                      )}
                      <span class="age">{age(Date.parse(t.updatedAt), now)}</span>
                    </span>
                    <span class="title">{t.title}</span>
                    <span class="sub">
                      {t.id} · {t.progress.done}/{t.progress.total}
                    </span>
                    {t.waiting && (
                      <span class="sub waiting">
                        <QuotaCountdown until={t.waiting.until} now={now} skew={skew} />
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
