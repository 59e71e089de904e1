import type { StartReason } from '@dispatch/core';

/** What the worker prompt names: files, not their contents, so the prompt stays small. */
export interface WorkerPromptInput {
  planPath: string;
  ipcDir: string;
  contextPath: string;
  answerTimeoutSeconds: number;
  startReason: StartReason;
  /** An alias's prompt, prepended. */
  aliasPrompt?: string | undefined;
}

/**
 * The prompt every worker gets (the worker contract): the plan's absolute path as a bare token,
 * how to mark items, how to ask and wait, what to do when no answer comes, how to finish.
 */
export function workerPrompt(input: WorkerPromptInput): string {
  const { planPath, ipcDir, contextPath, answerTimeoutSeconds: t } = input;
  const resume =
    input.startReason === 'first'
      ? ''
      : `This task was started before. Read ${contextPath} if it exists, then continue from the first item that is not [x]; for a [?] item, the answer is in the newest ${ipcDir}/NNN.answer without an NNN.done (write that NNN.done once you have read it) or in a dispatcher note in the plan.\n`;
  const lines = [
    input.aliasPrompt?.trim() ?? '',
    `Your task plan is ${planPath}`,
    resume.trimEnd(),
    'Work through its checklist top to bottom. Mark each item done by changing "- [ ]" to "- [x]" (add a short note after " — " if useful). Edit the plan in place; keep every other line as it is.',
    `If you need an answer from the user: write the question to ${ipcDir}/NNN.question (NNN = one more than the highest existing question number, 3 digits, from 001; write a temp file first, then mv it into place), wait for ${ipcDir}/NNN.answer, then create ${ipcDir}/NNN.done and go on. Or run: "$DISPATCH_BIN" ask "your question".`,
    `If no answer comes within ${t} seconds: write what you know and what you were doing to ${contextPath}, mark the item "- [?]" with the question on the next line as "  > **Blocker:** <question>", and stop.`,
    'If an item cannot be done, mark it "- [!]" with the reason on the next line as "  Error: <reason>", and stop.',
    `When every item is [x], create ${ipcDir}/.done and stop.`,
    'Lines starting with "> **Note from dispatcher:**" are extra context from the user: read them when the plan changes.',
  ];
  return lines.filter((l) => l !== '').join('\n');
}
