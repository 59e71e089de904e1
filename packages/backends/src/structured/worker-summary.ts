import { parseWorkerLine, type WorkerEvent } from './worker-events.js';

/** What one attempt's structured output says in sum. */
export interface WorkerSummary {
  /** The CLI's session (Claude Code) or thread (Codex) id, to resume it. */
  sessionId: string | null;
  /** Token use and cost as the CLI reported them; null when it reported none. */
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  /** The last thing it did, in one line (`Bash: npm test`), or null. */
  lastActivity: string | null;
}

/** One line for an event, for `status` and `logs`. */
export function describeEvent(event: WorkerEvent): string {
  switch (event.kind) {
    case 'session':
      return `session ${event.id}${event.model ? ` (${event.model})` : ''}`;
    case 'text':
      return event.text.replace(/\s+/g, ' ');
    case 'tool':
      return `${event.name}: ${event.detail}`;
    case 'usage':
      return `${event.turns ? `${event.turns} turns, ` : ''}${event.inputTokens.toLocaleString('en')} tokens in, ${event.outputTokens.toLocaleString('en')} out${event.costUsd === null ? '' : `, $${event.costUsd.toFixed(4)}`}`;
    case 'error':
      return `error: ${event.message}`;
  }
}

/**
 * Sums one attempt's output: its session id, its token use and cost (Claude Code reports the run's
 * totals once at the end; Codex reports each turn, added up), and its last action.
 */
export function summarizeWorkerOutput(output: string): WorkerSummary {
  let sessionId: string | null = null;
  let usage: WorkerSummary['usage'] = null;
  let lastActivity: string | null = null;
  for (const line of output.split('\n')) {
    for (const event of parseWorkerLine(line)) {
      if (event.kind === 'session') sessionId ??= event.id;
      else if (event.kind === 'usage') {
        sessionId ??= event.sessionId ?? null; // Claude's result line names it too (the init line may be cut off)
        const totals = event.turns !== undefined; // Claude's result: the run's totals
        usage =
          totals || usage === null
            ? { inputTokens: event.inputTokens, outputTokens: event.outputTokens, costUsd: event.costUsd }
            : {
                inputTokens: usage.inputTokens + event.inputTokens,
                outputTokens: usage.outputTokens + event.outputTokens,
                costUsd: usage.costUsd,
              };
      } else lastActivity = describeEvent(event);
    }
  }
  return { sessionId, usage, lastActivity };
}

/**
 * The session id an output names, the first one from the start or the last one from the end:
 * Claude Code names it first (init) and last (result), Codex first (thread.started). Read from the
 * end, a tail that begins inside an earlier attempt's output still yields the latest attempt's.
 * @example findSessionId('{"type":"thread.started","thread_id":"t-1"}', 'start') // 't-1'
 */
export function findSessionId(output: string, from: 'start' | 'end'): string | null {
  const lines = output.split('\n');
  if (from === 'end') lines.reverse();
  for (const line of lines) {
    for (const event of parseWorkerLine(line)) {
      if (event.kind === 'session') return event.id;
      if (event.kind === 'usage' && event.sessionId !== undefined) return event.sessionId;
    }
  }
  return null;
}
