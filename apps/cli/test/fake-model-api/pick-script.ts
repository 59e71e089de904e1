import type { Conversation, ScriptStep } from './worker-script.js';

/** The scripts a fake plays: a worker's (per plan), and perhaps a host's. */
export interface Scripts {
  worker: (planPath: string, conversation: Conversation) => ScriptStep[];
  /** Played for a CLI that runs as a host: it carries no worker prompt but is offered the tools the script calls. */
  host?: readonly ScriptStep[] | undefined;
}

/** What a request shows of itself, as far as choosing a script goes. */
export interface RequestShape {
  planPath: string | null;
  prompts: number;
  /** Whether the CLI offered the shell tool the worker script runs its commands with. */
  shellOffered: boolean;
  toolNames: readonly string[];
}

/**
 * The script a request plays: the worker's where it carries a worker prompt and the shell tool,
 * the host's where it carries no worker prompt but is offered a tool the host script calls;
 * otherwise none (a CLI's side request: a title, a quota check), which gets a short text reply.
 */
export function pickScript(scripts: Scripts, request: RequestShape): readonly ScriptStep[] | null {
  if (request.planPath !== null)
    return request.shellOffered ? scripts.worker(request.planPath, { prompts: request.prompts }) : null;
  const offered = new Set(request.toolNames);
  return scripts.host?.some((step) => 'tool' in step && offered.has(step.tool)) ? scripts.host : null;
}
