import { describe, expect, it } from 'vitest';
import { commandFor } from './workspace-command.js';

describe('commandFor', () => {
  it("runs a project's command from anywhere with -C, quoting the folder when the shell needs it", () => {
    expect(commandFor('/home/u/api/.dispatch', 'dispatch answer x "…"')).toBe('dispatch -C /home/u/api answer x "…"');
    expect(commandFor("/home/u/it's mine/.dispatch", 'dispatch retry x')).toBe(
      "dispatch -C '/home/u/it'\\''s mine' retry x",
    );
  });

  it('names the workspace with DISPATCH_DIR when DISPATCH_DIR put it elsewhere or would win over -C', () => {
    expect(commandFor('/srv/tasks', 'dispatch retry x')).toBe('DISPATCH_DIR=/srv/tasks dispatch retry x');
    expect(commandFor('/home/u/api/.dispatch', 'dispatch retry x', { DISPATCH_DIR: '/w/.dispatch' })).toBe(
      'DISPATCH_DIR=/home/u/api/.dispatch dispatch retry x',
    );
  });
});
