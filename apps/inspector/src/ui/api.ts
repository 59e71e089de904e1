import type {
  ActionBody,
  ActionResponse,
  ChartResponse,
  TaskDetailResponse,
  TaskListResponse,
  TaskSummary,
} from '../shared/api-types.js';

/**
 * The token of the URL `dispatch inspect` printed. The page's requests carry it in a header,
 * never a cookie (cookies ignore ports: every service on 127.0.0.1 would receive it); kept in
 * sessionStorage too, so a link without it still works in this tab.
 */
export const token: string = (() => {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) sessionStorage.setItem('dispatch-token', fromUrl);
  return fromUrl ?? sessionStorage.getItem('dispatch-token') ?? '';
})();

const TOKEN_HEADER = 'x-dispatch-token';

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { cache: 'no-store', headers: { [TOKEN_HEADER]: token } });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every workspace's tasks. */
export const fetchTasks = () => getJson<TaskListResponse>('/api/tasks');

/** One task's page. */
export const fetchTask = (ws: string, id: string) =>
  getJson<TaskDetailResponse>(`/api/tasks/${ws}/${encodeURIComponent(id)}`);

/** One task's line in the list (cheaper than the whole list after a change). */
export const fetchSummary = (ws: string, id: string) =>
  getJson<TaskSummary>(`/api/tasks/${ws}/${encodeURIComponent(id)}/summary`);

/** The machine's chart (laid out once by the server). */
export const fetchChart = () => getJson<ChartResponse>('/api/chart');

/** Answer, note, continue, retry or cancel, as the CLI would. */
export async function act(ws: string, id: string, action: string, body: ActionBody = {}): Promise<ActionResponse> {
  const res = await fetch(`/api/tasks/${ws}/${encodeURIComponent(id)}/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  try {
    return JSON.parse(text) as ActionResponse;
  } catch {
    return { ok: false, message: `${res.status} ${text}` };
  }
}
