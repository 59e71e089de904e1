import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TASK_STATES, taskMachine, toMermaid } from './index.js';

describe('toMermaid', () => {
  const diagram = toMermaid(taskMachine);

  it('draws every state and the transitions of DESIGN.md, from the machine itself', () => {
    for (const state of TASK_STATES) expect(diagram).toContain(state.replaceAll('-', '_'));
    for (const line of [
      '[*] --> queued',
      'queued --> starting: start',
      'starting --> running: worker.started',
      'starting --> failed: worker.spawn-failed',
      'running --> awaiting_answer: question.asked',
      'awaiting_answer --> running: question.answered',
      'awaiting_answer --> timed_out: answer.timeout',
      'timed_out --> running: question.answered',
      'timed_out --> blocked: worker.exited',
      'awaiting_answer --> blocked: worker.exited',
      'running --> completed: worker.exited',
      'running --> blocked: worker.exited',
      'running --> failed: worker.exited',
      'running --> failed: worker.stalled',
      'running --> failed: task.timeout',
      'awaiting_answer --> failed: worker.exited',
      'blocked --> queued: continue',
      'blocked --> queued: question.answered',
      'failed --> recovering: retry',
      'recovering --> queued: model.chosen',
      'recovering --> failed: recovery.failed',
      'completed --> [*]',
      'cancelled --> [*]',
    ]) {
      expect(diagram).toContain(`  ${line}\n`);
    }
  });

  it('sends cancel from every non-final state, and nothing leaves a final state', () => {
    for (const state of [
      'queued',
      'starting',
      'running',
      'awaiting_answer',
      'timed_out',
      'blocked',
      'failed',
      'recovering',
    ]) {
      expect(diagram).toContain(`  ${state} --> cancelled: cancel\n`);
    }
    expect(diagram).not.toMatch(/^ {2}(completed|cancelled) --> (?!\[\*\])/m);
  });

  it('is the diagram docs/architecture.md shows', () => {
    const doc = readFileSync(new URL('../../../docs/architecture.md', import.meta.url), 'utf8');
    expect(doc).toContain(`\`\`\`mermaid\n${diagram}\`\`\``);
  });
});
