import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatch } from '@dispatch/runtime';
import { z } from 'zod';
import { describeError } from '../error-report.js';
import { waitForCondition } from './wait-tool.js';

// Inputs are named as the CLI's flags and arguments (DESIGN.md, "MCP server"); descriptions are
// written for the model that reads them: what the tool does, when to call it, an example.
const id = z.string().describe('The task id, as `run` returned it (e.g. "auth-review").');
const model = z
  .string()
  .describe('A configured model or alias (e.g. "sonnet", "gpt-5.3-codex"); the default when left out.');

/** One text block holding exactly what the CLI prints with `--json`. */
function jsonResult(value: unknown): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }] };
}

/** A tool error with the CLI's one line (never a crash of the server, never a stack). */
export function toolError(err: unknown): CallToolResult {
  return { content: [{ type: 'text', text: describeError(err).message ?? 'unexpected error' }], isError: true };
}

/** Runs a tool's call, its outcome as the CLI's JSON or its error as a tool error. */
async function call(fn: () => Promise<unknown>): Promise<CallToolResult> {
  try {
    return jsonResult(await fn());
  } catch (err) {
    return toolError(err);
  }
}

/** Registers dispatch's tools (run, status, wait, answer, continue, retry, cancel, note, result). */
export function registerTools(server: McpServer, dispatch: Dispatch): void {
  server.registerTool(
    'run',
    {
      title: 'Dispatch a task',
      description:
        'Start a background worker (another AI coding agent CLI) on a task, written as a checklist plan. ' +
        'Returns at once with {id, model, backend, state, taskDir}; follow it with `wait`. Give `prompt`, or ' +
        '`steps` (one checklist item each), or `plan` (markdown with "- [ ] item" lines). ' +
        'Example: {"prompt": "Add input validation to the signup form", "steps": ["Validate the email", "Test it"], "model": "sonnet"}.',
      inputSchema: {
        prompt: z.string().optional().describe('What to do, in words; optional when `steps` or `plan` is given.'),
        steps: z.array(z.string()).optional().describe('The plan, one checklist item per step, in order.'),
        plan: z.string().optional().describe('The plan as markdown: a "# Title" and "- [ ] item" lines.'),
        model: model.optional(),
        id: z.string().optional().describe('The task id (kebab-case); derived from the prompt when left out.'),
        executor: z
          .string()
          .optional()
          .describe('Where the worker runs: a configured executor (e.g. a Slurm cluster) or "local".'),
        after: z.array(z.string()).optional().describe('Ids of tasks that must complete first.'),
        worktree: z.boolean().optional().describe('Work in a git worktree on a new branch dispatch/<id>.'),
        answerTimeout: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('Seconds a worker question waits for an answer (default 180).'),
        timeLimit: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('Seconds one worker attempt may run (default 3 h); reached, the task is blocked until raised.'),
        budgetUsd: z
          .number()
          .positive()
          .optional()
          .describe('US dollars one worker run may spend, where the CLI enforces it (claude).'),
      },
    },
    (input) => call(() => dispatch.run(input)),
  );

  server.registerTool(
    'status',
    {
      title: 'Task status',
      description:
        'Every task of the workspace (or one, with `id`): state, model, progress, plan items, the pending ' +
        'question, the error, and what a queued task waits for. The same JSON as `dispatch status --json`. ' +
        'Example: {"id": "auth-review"}.',
      inputSchema: { id: id.optional() },
    },
    ({ id: task }) => call(() => (task === undefined ? dispatch.status() : dispatch.status(task))),
  );

  server.registerTool(
    'wait',
    {
      title: 'Wait for what needs you',
      description:
        'Wait until one of the tasks (all unfinished ones when `ids` is left out) asks a question, is blocked, ' +
        'fails, completes or is cancelled, and return that condition: {type, id, state, progress, output, ...} ' +
        '(question: seq and text — relay it to the user, then call `answer`; failed: kind, message, alternatives). ' +
        'A condition that already holds comes back at once. Returns {"type":"timeout"} when `timeout` seconds ' +
        '(default 50) pass first: call `wait` again. A task waiting for its quota to reset is not a condition. ' +
        'Example: {"ids": ["auth-review"], "timeout": 50}.',
      inputSchema: {
        ids: z.array(z.string()).optional().describe('The tasks to watch; all unfinished ones when left out.'),
        timeout: z
          .number()
          .positive()
          .max(3600)
          .optional()
          .describe('Seconds to wait at most (default 50, under the 60 s MCP clients allow a call).'),
      },
    },
    async (input, extra) => {
      try {
        return jsonResult(await waitForCondition(server, dispatch, input, extra));
      } catch (err) {
        return toolError(err);
      }
    },
  );

  server.registerTool(
    'answer',
    {
      title: 'Answer a worker',
      description:
        "Answer the task's oldest pending question (the worker, still running, reads it and goes on); a task " +
        'blocked at a [?] item is continued with the answer. Give `question` (the `seq` wait returned) so the ' +
        'answer goes to that question only. Example: {"id": "auth-review", "text": "Use JWT", "question": 1}.',
      inputSchema: {
        id,
        text: z.string().describe("The user's answer, verbatim."),
        question: z.number().int().positive().optional().describe('The question number (`seq`) this answers.'),
      },
    },
    ({ id: task, text, question }) =>
      call(() => dispatch.answer(task, text, question === undefined ? {} : { question })),
  );

  server.registerTool(
    'continue',
    {
      title: 'Continue a blocked task',
      description:
        'Start a new worker on a blocked task from where the last one stopped, resuming its session: with ' +
        '`answer` for a [?] item, or with a raised `timeLimit`/`budgetUsd` for a task blocked on that limit; ' +
        'on a task waiting for its quota, now instead of at the reset. ' +
        'Example: {"id": "auth-review", "answer": "Use JWT", "model": "opus"}.',
      inputSchema: {
        id,
        answer: z.string().optional().describe('The answer to the blocked item (needed when it is blocked on one).'),
        model: model.optional(),
        timeLimit: z.number().int().positive().optional().describe('A new time limit per attempt, in seconds.'),
        budgetUsd: z.number().positive().optional().describe('A new budget per worker run, in US dollars.'),
      },
    },
    ({ id: task, ...options }) => call(() => dispatch.continue(task, options)),
  );

  server.registerTool(
    'retry',
    {
      title: 'Retry a failed task',
      description:
        'Run a failed task again from its first open item, with the same model or another (a failed `wait` ' +
        'line lists `alternatives`; ask the user before switching). Example: {"id": "api-tests", "model": "sonnet"}.',
      inputSchema: { id, model: model.optional() },
    },
    ({ id: task, model: m }) => call(() => dispatch.retry(task, m === undefined ? {} : { model: m })),
  );

  server.registerTool(
    'cancel',
    {
      title: 'Cancel a task',
      description:
        'Stop the task\'s worker (its whole process group); the task ends cancelled. Example: {"id": "api-tests"}.',
      inputSchema: { id },
    },
    ({ id: task }) => call(() => dispatch.cancel(task)),
  );

  server.registerTool(
    'note',
    {
      title: 'Note for the worker',
      description:
        "Append a dispatcher note to the task's plan, which its worker reads (context, not a command). " +
        'Example: {"id": "api-tests", "text": "staging is down; use the local database"}.',
      inputSchema: { id, text: z.string().describe('The note.') },
    },
    ({ id: task, text }) => call(() => dispatch.note(task, text)),
  );

  server.registerTool(
    'result',
    {
      title: 'Task result',
      description:
        "The task's outcome: the worker's output.md (`text`), else its plan with every item, plus state, " +
        'progress, error and usage. Example: {"id": "auth-review"}.',
      inputSchema: { id },
    },
    ({ id: task }) => call(() => dispatch.result(task)),
  );
}
