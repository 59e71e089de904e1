import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isTaskEventType, TASK_EVENT_TYPES, TASK_STATES } from './index.js';

describe('event types', () => {
  it('are lowercase and dotted', () => {
    for (const type of TASK_EVENT_TYPES) expect(type).toMatch(/^[a-z]+(-[a-z]+)*(\.[a-z]+(-[a-z]+)*)?$/);
  });

  it('unknown types are not machine events', () => {
    expect(isTaskEventType('state.entered')).toBe(false);
    expect(isTaskEventType('task.created')).toBe(false);
    expect(isTaskEventType(42)).toBe(false);
    expect(isTaskEventType('question.asked')).toBe(true);
  });

  it('docs/events.md documents every type and state', () => {
    const doc = readFileSync(new URL('../../../docs/events.md', import.meta.url), 'utf8');
    for (const type of [...TASK_EVENT_TYPES, 'task.created', 'state.entered']) expect(doc).toContain(`| \`${type}\` |`);
    for (const state of TASK_STATES) expect(doc).toContain(state);
  });
});
