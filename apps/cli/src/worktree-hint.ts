/** How to keep a task's unsaved worktree work: merge it once the task has completed, else look at it first. */
export function keepIt(id: string, state: string): string {
  return state === 'completed' ? `dispatch merge ${id} keeps it` : `dispatch diff ${id} shows it`;
}
