#!/usr/bin/env node
// dispatch embedded in a Node app: run a task, answer the question its worker asks, print the
// result. The task is an ordinary dispatch task: `dispatch status` and `dispatch answer` see it too.
//
//   node embed.mjs                      the built-in simulated worker (model sim): no config needed
//   node embed.mjs --model sonnet       a real worker CLI from your config
//   node embed.mjs --step 'Scan the code' --step 'Which auth should I review?'
import { parseArgs } from 'node:util';
import { openDispatch } from '@dispatch/runtime';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'sim' },
    step: { type: 'string', multiple: true },
    answer: { type: 'string' },
  },
});
const steps = values.step ?? [
  'Scan the code for hardcoded secrets',
  'Review the authentication logic {ask: Found both JWT and session-based auth. Which should I focus on?}',
  'Write the findings to output.md',
];

// This directory's workspace and $DISPATCH_HOME, as the CLI finds them: one daemon serves both.
const dispatch = await openDispatch();
const task = await dispatch.run({ prompt: 'Review the authentication module', model: values.model, steps });
console.log(`started ${task.id} (${task.model}): ${task.taskDir}`);

// Every notable condition of the task, as it happens: its questions, then how it ended.
for await (const condition of dispatch.watch({ ids: [task.id] })) {
  if (condition.type === 'question') {
    console.log(`question #${condition.seq}: ${condition.text}`);
    const answer = values.answer ?? 'Focus on JWT: session-based auth is deprecated.';
    const answered = await dispatch.answer(task.id, answer, { question: condition.seq });
    console.log(`answered #${answered.question}: ${answer}`);
    continue;
  }
  console.log(`${task.id} ${condition.type} (${condition.progress.done}/${condition.progress.total})`);
  break; // completed, blocked, failed or cancelled: this task has nothing more to say
}

const result = await dispatch.result(task.id);
for (const item of result.items)
  console.log(`  [${item.mark === 'done' ? 'x' : ' '}] ${item.text}${item.note ? ` — ${item.note}` : ''}`);
await dispatch.close();
process.exitCode = result.state === 'completed' ? 0 : 1;
