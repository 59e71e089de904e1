// The JSON the inspector's server sends its page: types only, shared by both sides.

/** A lifecycle state, kebab-case, as the machine names it. */
export type StateName = string;

/** One task in the list. */
export interface TaskSummary {
  id: string;
  /** The workspace key (`/api/tasks/<ws>/<id>`). */
  ws: string;
  title: string;
  state: StateName;
  model: string;
  progress: { done: number; total: number };
  /** A question, a block or a failure waits for the user. */
  needsUser: boolean;
  /** A state the task never leaves (completed, cancelled): no action applies. */
  final: boolean;
  question: { seq: number; text: string } | null;
  /** Why it stopped; for `budget` (US dollars) and `time-limit` (seconds) what it spent and its limit, where known. */
  error: { kind: string; message: string; spent?: number; limit?: number } | null;
  /** A queued task waiting for its quota to reset at `until` (ISO); it starts again by itself then. */
  waiting: { reason: 'quota'; until: string; message: string } | null;
  /** The task's one "needs you" line, as the CLI shows it (runtime's `needsYouOf`), or null. */
  needsYou: NeedsYouLine | null;
  createdAt: string;
  updatedAt: string;
}

/** What a task waits on from the user: kind, the glyph the CLI shows too, the words, the command. */
export interface NeedsYouLine {
  kind: 'question' | 'blocked' | 'failed' | 'waiting' | 'queued';
  glyph: string;
  text: string;
  seq: number | null;
  secondsLeft: number | null;
  /** When a quota wait ends (ISO; `waiting` only). */
  until: string | null;
  command: string | null;
}

/** A workspace the daemon knows, with its tasks. */
export interface WorkspaceTasks {
  ws: string;
  dispatchDir: string;
  current: boolean;
  tasks: TaskSummary[];
}

/** `GET /api/tasks`. */
export interface TaskListResponse {
  workspaces: WorkspaceTasks[];
  /** The machine's states, those that need the user first and final ones last: the list's filter. */
  states: StateName[];
  now: number;
}

/** One question of the thread, with its answer once there is one. */
export interface ThreadEntry {
  seq: number;
  question: string;
  askedAt: number | null;
  answer: string | null;
  answeredAt: number | null;
  /** The worker acknowledged the answer (`NNN.done`). */
  acknowledged: boolean;
  /** When the worker gives up waiting (pending questions only). */
  deadline: number | null;
}

/** One line of the timeline: a logged event and the transition it caused in a replay. */
export interface TimelineEntry {
  seq: number | null;
  at: number;
  type: string;
  from: StateName;
  to: StateName;
  /** Not in events.jsonl yet: a fact on disk the daemon has not recorded. */
  pending: boolean;
  facts: Record<string, unknown>;
}

/** `GET /api/tasks/<ws>/<id>`. */
export interface TaskDetailResponse {
  task: TaskSummary & {
    model: string;
    backend: string;
    attempt: number;
    prompt: string;
    items: { text: string; mark: 'pending' | 'done' | 'blocked' | 'error'; note: string | null }[];
    taskDir: string;
    registered: boolean;
    /**
     * Where the current attempt runs, for one a cluster engine runs (null for this machine):
     * its job and Slurm's state, and `line` saying so for people (`slurm job 12 on node07 RUNNING`).
     */
    executor: {
      name: string;
      kind: string;
      job: string | null;
      state: string | null;
      reason: string | null;
      node: string | null;
      line: string;
    } | null;
  };
  notes: string[];
  thread: ThreadEntry[];
  timeline: TimelineEntry[];
  logTail: string;
  /** Models a retry or continue may choose (from the config), the current one first. */
  models: { model: string; backend: string; isDefault: boolean }[];
  now: number;
}

/** A node of the chart, laid out: absolute coordinates in the SVG. */
export interface ChartNode {
  id: StateName;
  x: number;
  y: number;
  width: number;
  height: number;
  final: boolean;
  initial: boolean;
  /** Holds child states (drawn as a frame around them). */
  compound: boolean;
  /** The frame it is drawn in, or null. */
  parent: StateName | null;
  /** A frame of the chart's own (`live`: every non-final state), not a state of the machine. */
  group: boolean;
  description: string | null;
  tags: string[];
}

/** An edge of the chart: the events from one state to another, routed orthogonally. */
export interface ChartEdge {
  id: string;
  source: StateName;
  target: StateName;
  events: string[];
  /** The label as drawn (`after 5s` for delays, `[always]`, a guard in brackets). */
  label: string;
  points: { x: number; y: number }[];
  labelBox: { x: number; y: number; width: number; height: number } | null;
}

/** `GET /api/chart`. */
export interface ChartResponse {
  width: number;
  height: number;
  nodes: ChartNode[];
  edges: ChartEdge[];
  mermaid: string;
}

/** `POST /api/tasks/<ws>/<id>/<action>` body. */
export interface ActionBody {
  text?: string;
  model?: string;
  /** Retry only: also make the chosen model the default / remove the failed one from the config. */
  setDefault?: boolean;
  removeFailed?: boolean;
  /** Continue only, for a task blocked on its time limit: the new limit, whole seconds. */
  timeLimit?: number;
  /** Continue only, for a task blocked on its budget: the new limit, US dollars. */
  budgetUsd?: number;
}

/** What an action answers: a line for the user, or the refusal. */
export interface ActionResponse {
  ok: boolean;
  message: string;
}
