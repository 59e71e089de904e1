import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ChartResponse, TaskDetailResponse, TaskListResponse, TaskSummary } from '../shared/api-types.js';
import { fetchChart, fetchSummary, fetchTask, fetchTasks } from './api.js';
import { QuotaCountdown } from './components/limits.js';
import { TaskList } from './components/task-list.js';
import { TaskPage } from './components/task-page.js';
import { useLive, useNow, type Change } from './live.js';
import { taskHref, useRoute } from './router.js';
import { age } from './format.js';
import { byUrgency } from './order.js';

/** The inspector page: the task list beside the selected task, kept live by the server's events. */
export function App() {
  const route = useRoute();
  const now = useNow();
  const [list, setList] = useState<TaskListResponse | null>(null);
  const [detail, setDetail] = useState<TaskDetailResponse | null>(null);
  const [chart, setChart] = useState<ChartResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState(route.page === 'list' ? route.filter : 'all');
  const skew = useRef(0);
  // The filter is part of the list page's link (`#/?state=blocked`), so it can be shared and kept.
  const routeFilter = route.page === 'list' ? route.filter : null;
  useEffect(() => {
    if (routeFilter !== null) setFilter(routeFilter);
  }, [routeFilter]);
  const chooseFilter = (f: string) => {
    setFilter(f);
    if (route.page === 'list') history.replaceState(null, '', f === 'all' ? '#/' : `#/?state=${f}`);
  };

  // Which task is open: the route's workspace, else the first workspace that has the id.
  const open =
    route.page === 'task'
      ? (route.ws ?? list?.workspaces.find((w) => w.tasks.some((t) => t.id === route.id))?.ws ?? null)
      : null;
  const openKey = route.page === 'task' && open ? `${open}/${route.id}` : null;
  const openRef = useRef(openKey);
  openRef.current = openKey;

  const loadList = useCallback(() => {
    fetchTasks().then(
      (l) => {
        skew.current = Date.now() - l.now;
        setList(l);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  // A task's new summary into its line of the list (a task the list lacks: the whole list again).
  const patchList = useCallback(
    (c: Change, summary: TaskSummary) =>
      setList((l) => {
        if (!l) return l;
        const w = l.workspaces.find((x) => x.ws === c.ws);
        if (!w || !w.tasks.some((t) => t.id === c.id)) {
          loadList();
          return l;
        }
        const workspaces = l.workspaces.map((x) =>
          x !== w ? x : { ...x, tasks: x.tasks.map((t) => (t.id === c.id ? summary : t)).sort(byUrgency) },
        );
        return { ...l, workspaces };
      }),
    [loadList],
  );
  const loadDetail = useCallback(
    (thenPatch = false) => {
      const key = openRef.current;
      if (!key) return;
      const [ws, id] = key.split('/') as [string, string];
      fetchTask(ws, id).then(
        (d) => {
          if (openRef.current === key) setDetail(d);
          if (thenPatch) patchList({ ws, id }, d.task);
        },
        (e: Error) => setError(e.message),
      );
    },
    [patchList],
  );

  useEffect(loadList, [loadList]);
  // The chart is laid out once per server; a fetch cut short (the server restarted) is tried again.
  const chartRef = useRef<ChartResponse | null>(null);
  const loadChart = useCallback(() => {
    if (chartRef.current) return;
    fetchChart().then(
      (c) => {
        chartRef.current = c;
        setChart(c);
      },
      () => setTimeout(loadChart, 1000),
    );
  }, []);
  useEffect(loadChart, [loadChart]);
  useEffect(() => {
    setDetail(null);
    loadDetail();
  }, [openKey, loadDetail]);
  // Deadlines fall due with no file changing: look again now and then.
  useEffect(() => {
    const t = setInterval(() => loadDetail(), 5000);
    return () => clearInterval(t);
  }, [loadDetail]);
  useEffect(() => {
    const t = setInterval(loadList, 15000);
    return () => clearInterval(t);
  }, [loadList]);

  // A change updates the open task and, from the same answer, its line of the list (one request,
  // not two racing for the server); any other task's line from its summary.
  const connected = useLive(
    (c: Change) => {
      if (openRef.current === `${c.ws}/${c.id}`) loadDetail(true);
      else
        fetchSummary(c.ws, c.id).then(
          (summary) => patchList(c, summary),
          () => loadList(),
        );
    },
    () => {
      loadList();
      loadDetail();
      loadChart();
    },
  );

  return (
    <div class="layout">
      <aside>
        <div class="brand">
          <a href="#/">
            dispatch <b>inspector</b>
          </a>
          <span
            class={`dot ${connected ? 'on' : 'off'}`}
            title={connected ? 'live' : 'reconnecting…'}
            data-testid="live-dot"
          />
        </div>
        <TaskList
          list={list}
          filter={filter}
          selected={openKey}
          now={now}
          skew={skew.current}
          onFilter={chooseFilter}
        />
      </aside>
      <div class="content">
        {error && <p class="message refused">{error}</p>}
        {route.page === 'task' && detail && openKey === `${detail.task.ws}/${detail.task.id}` ? (
          <TaskPage
            key={openKey}
            detail={detail}
            chart={chart}
            now={now}
            skew={skew.current}
            onActed={() => {
              loadDetail();
              loadList();
            }}
          />
        ) : route.page === 'task' ? (
          <p class="muted pad">{list && !open ? `No task ${route.id}.` : 'loading…'}</p>
        ) : (
          <Overview list={list} now={now} skew={skew.current} />
        )}
      </div>
    </div>
  );
}

/** The landing view: every task as a table, what needs the user first and loud. */
function Overview(props: { list: TaskListResponse | null; now: number; skew: number }) {
  const workspaces = props.list?.workspaces ?? [];
  const tasks = workspaces.flatMap((w) => w.tasks.map((t) => ({ t, current: w.current })));
  const needs = tasks.filter(({ t }) => t.needsUser);
  return (
    <main class="overview">
      <h1>
        {tasks.length} task{tasks.length === 1 ? '' : 's'}
      </h1>
      <p class={needs.length ? 'loud' : 'muted'}>
        {needs.length === 0 ? 'Nothing needs you.' : `${needs.length} need${needs.length === 1 ? 's' : ''} you.`}
      </p>
      <table class="tasks" data-testid="task-table">
        <thead>
          <tr>
            <th>state</th>
            <th>task</th>
            <th>progress</th>
            <th>waiting for you</th>
            <th>age</th>
          </tr>
        </thead>
        <tbody>
          {tasks.map(({ t, current }) => (
            <tr class={t.needsUser ? 'needs-user' : ''} data-task={t.id} data-state={t.state}>
              <td>
                <span class={`badge state-${t.state}`}>{t.state}</span>
              </td>
              <td>
                <a href={taskHref(t.id, t.ws, current)}>{t.title}</a>
                <div class="muted">
                  {t.id} · {t.model}
                </div>
              </td>
              <td>
                <div class="progress small">
                  <div style={{ width: `${t.progress.total ? (100 * t.progress.done) / t.progress.total : 0}%` }} />
                </div>
                <span class="muted">
                  {t.progress.done}/{t.progress.total}
                </span>
              </td>
              <td>
                {t.needsYou && t.waiting ? (
                  // The CLI's line names the reset once; the page counts down to it.
                  <span data-testid="needs-you" data-kind={t.needsYou.kind} title={t.waiting.message}>
                    {t.needsYou.glyph} <QuotaCountdown until={t.waiting.until} now={props.now} skew={props.skew} />
                  </span>
                ) : (
                  t.needsYou && (
                    <span data-testid="needs-you" data-kind={t.needsYou.kind}>
                      {t.needsYou.glyph} {t.needsYou.seq === null ? '' : `#${t.needsYou.seq}: `}
                      {t.needsYou.text}
                    </span>
                  )
                )}
              </td>
              <td class="muted">{age(Date.parse(t.createdAt), props.now)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
