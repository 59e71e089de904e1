/**
 * What a worker CLI's structured output says it is doing, one line at a time: Claude Code's
 * `--output-format stream-json --verbose`, Codex's `exec --json` and Gemini CLI's
 * `--output-format stream-json`. Anything else (plain text,
 * another CLI, a torn line) is not an event: dispatch shows it as it is.
 */
export type WorkerEvent =
  | { kind: 'session'; id: string; model?: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; detail: string }
  | {
      kind: 'usage';
      inputTokens: number;
      outputTokens: number;
      costUsd: number | null;
      turns?: number;
      sessionId?: string;
    }
  | { kind: 'error'; message: string };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** One line of what a tool was given: the command, the file, or the input in short. */
function toolDetail(name: string, input: unknown): string {
  if (!isObject(input)) return '';
  const pick =
    input.command ?? input.file_path ?? input.path ?? input.pattern ?? input.url ?? input.description ?? input.prompt;
  const text = typeof pick === 'string' ? pick : JSON.stringify(input);
  return text.replace(/\s+/g, ' ').trim().slice(0, 200) || name;
}

function claudeEvents(line: Json): WorkerEvent[] {
  switch (line.type) {
    case 'system':
      return line.subtype === 'init' && typeof line.session_id === 'string'
        ? [{ kind: 'session', id: line.session_id, ...(typeof line.model === 'string' && { model: line.model }) }]
        : [];
    case 'assistant': {
      const content = isObject(line.message) && Array.isArray(line.message.content) ? line.message.content : [];
      return content.flatMap((block): WorkerEvent[] => {
        if (!isObject(block)) return [];
        if (block.type === 'text' && str(block.text).trim() !== '')
          return [{ kind: 'text', text: str(block.text).trim() }];
        if (block.type === 'tool_use')
          return [{ kind: 'tool', name: str(block.name) || 'tool', detail: toolDetail(str(block.name), block.input) }];
        return [];
      });
    }
    case 'result': {
      const usage = isObject(line.usage) ? line.usage : {};
      const input =
        num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens);
      const events: WorkerEvent[] = [];
      events.push({
        kind: 'usage',
        ...(typeof line.session_id === 'string' && { sessionId: line.session_id }),
        inputTokens: input,
        outputTokens: num(usage.output_tokens),
        costUsd: typeof line.total_cost_usd === 'number' ? line.total_cost_usd : null,
        turns: num(line.num_turns),
      });
      if (line.is_error === true)
        events.push({ kind: 'error', message: str(line.result) || 'the run ended with an error' });
      return events;
    }
    default:
      return [];
  }
}

function codexEvents(line: Json): WorkerEvent[] {
  switch (line.type) {
    case 'thread.started':
      return typeof line.thread_id === 'string' ? [{ kind: 'session', id: line.thread_id }] : [];
    case 'item.started':
    case 'item.completed': {
      const item = isObject(line.item) ? line.item : {};
      if (item.type === 'command_execution' && line.type === 'item.started')
        return [{ kind: 'tool', name: 'shell', detail: str(item.command).replace(/\s+/g, ' ').slice(0, 200) }];
      if (line.type !== 'item.completed') return [];
      if (item.type === 'agent_message' && str(item.text).trim() !== '')
        return [{ kind: 'text', text: str(item.text).trim() }];
      if (item.type === 'file_change' && Array.isArray(item.changes)) {
        const files = item.changes
          .map((c) => (isObject(c) ? `${str(c.kind)} ${str(c.path)}`.trim() : ''))
          .filter(Boolean);
        return [{ kind: 'tool', name: 'edit', detail: files.join(', ').slice(0, 200) }];
      }
      if (item.type === 'error') return [{ kind: 'error', message: str(item.message) }];
      return [];
    }
    case 'turn.completed': {
      const usage = isObject(line.usage) ? line.usage : {};
      return [
        { kind: 'usage', inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens), costUsd: null },
      ];
    }
    case 'turn.failed':
      return [{ kind: 'error', message: isObject(line.error) ? str(line.error.message) : 'the turn failed' }];
    case 'error':
      return [{ kind: 'error', message: str(line.message) }];
    default:
      return [];
  }
}

function geminiEvents(line: Json): WorkerEvent[] {
  switch (line.type) {
    case 'init':
      return typeof line.session_id === 'string'
        ? [{ kind: 'session', id: line.session_id, ...(typeof line.model === 'string' && { model: line.model }) }]
        : [];
    case 'message':
      return line.role === 'assistant' && str(line.content).trim() !== ''
        ? [{ kind: 'text', text: str(line.content).trim() }]
        : [];
    case 'tool_use':
      return [
        { kind: 'tool', name: str(line.tool_name) || 'tool', detail: toolDetail(str(line.tool_name), line.parameters) },
      ];
    case 'error':
      return line.severity === 'error' ? [{ kind: 'error', message: str(line.message) }] : [];
    case 'result': {
      const stats = isObject(line.stats) ? line.stats : {};
      const events: WorkerEvent[] = [
        { kind: 'usage', inputTokens: num(stats.input_tokens), outputTokens: num(stats.output_tokens), costUsd: null },
      ];
      if (line.status === 'error')
        events.push({
          kind: 'error',
          message: (isObject(line.error) && str(line.error.message)) || 'the run ended with an error',
        });
      return events;
    }
    default:
      return [];
  }
}

// Gemini's event types, told from Claude's `result` (it has `stats`) and Codex's `error` (it has `severity`).
const isGemini = (line: Json) =>
  ['init', 'message', 'tool_use', 'tool_result'].includes(line.type as string) ||
  (line.type === 'result' && 'stats' in line) ||
  (line.type === 'error' && 'severity' in line);

/**
 * The events in one line of worker output, from Claude Code's stream-json, Codex's JSONL or
 * Gemini CLI's stream-json; [] for any other line.
 * @example parseWorkerLine('{"type":"thread.started","thread_id":"t-1"}') // [{ kind: 'session', id: 't-1' }]
 */
export function parseWorkerLine(line: string): WorkerEvent[] {
  const text = line.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(value) || typeof value.type !== 'string') return [];
  if (isGemini(value)) return geminiEvents(value);
  return value.type.includes('.') || value.type === 'error' ? codexEvents(value) : claudeEvents(value);
}
