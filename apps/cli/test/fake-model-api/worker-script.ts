import { dirname, join } from 'node:path';

/**
 * One scripted model turn: run a shell command through the CLI's shell tool, or call any tool by
 * its name with `input` (an MCP tool a host is offered, say) — either repeated until its result
 * holds `until` — or reply with text and stop.
 */
export type ScriptStep =
  | { shell: string; until?: string }
  | { tool: string; input: Record<string, unknown>; until?: string }
  | { text: string };

/** The answer the scripted worker copies into `greeting.txt` of its workspace, so a test can see it arrived. */
export const GREETING_FILE = 'greeting.txt';

const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Marks the plan's first `- [ ]` item done, as a worker would (temp file, then rename). */
const tickFirst = (plan: string) =>
  `awk 'f == 0 && sub(/^- \\[ \\] /, "- [x] ") { f = 1 } { print }' ${q(plan)} > ${q(`${plan}.fake-tmp`)} && mv ${q(`${plan}.fake-tmp`)} ${q(plan)}`;

/** How the scripted worker asks: with ipc files and shell, or with `"$DISPATCH_BIN" ask` (both are in the worker prompt). */
export type AskVia = 'files' | 'dispatch-ask';

/**
 * What a well-behaved worker does for a two-item plan, as the worker prompt tells it, in plain
 * shell: tick item 1; ask question 001 (temp file, then mv); wait for the answer (a bounded poll,
 * repeated until it arrives, since agent tools kill long commands); copy it to greeting.txt,
 * acknowledge with 001.done and tick item 2; touch ipc/.done; say it is finished. Via
 * `dispatch ask`, the asking, waiting (`ask --wait 1`, repeated) and acknowledging are its.
 */
export function protocolScript(planPath: string, question: string, via: AskVia = 'files'): ScriptStep[] {
  const ipc = join(dirname(planPath), 'ipc');
  const file = (name: string) => q(join(ipc, name));
  if (via === 'dispatch-ask') {
    // The worker's environment names the CLI and the task folder: the agent's tool must pass it on.
    const out = '"$DISPATCH_TASK_DIR/ask.out"';
    return [
      { shell: tickFirst(planPath) },
      { shell: `"$DISPATCH_BIN" ask --timeout 1 ${q(question)} > ${out}; echo "ask exited $?"` },
      {
        shell: `if "$DISPATCH_BIN" ask --wait 1 --timeout 5 > ${out}; then echo ANSWER-ARRIVED; else echo still waiting; fi`,
        until: 'ANSWER-ARRIVED',
      },
      { shell: `cp ${out} ${GREETING_FILE} && ${tickFirst(planPath)}` },
      { shell: `touch ${file('.done')}` },
      { text: 'Every item of the plan is done.' },
    ];
  }
  return [
    { shell: tickFirst(planPath) },
    {
      shell: `printf '%s\\n' ${q(question)} > ${file('.001.question.tmp')} && mv ${file('.001.question.tmp')} ${file('001.question')}`,
    },
    {
      shell: `i=0; while [ ! -f ${file('001.answer')} ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; if [ -f ${file('001.answer')} ]; then echo ANSWER-ARRIVED; else echo still waiting; fi`,
      until: 'ANSWER-ARRIVED',
    },
    { shell: `cp ${file('001.answer')} ${GREETING_FILE} && touch ${file('001.done')} && ${tickFirst(planPath)}` },
    { shell: `touch ${file('.done')}` },
    { text: 'Every item of the plan is done.' },
  ];
}

/** What a request's conversation holds besides its steps: how many worker prompts (2 once a resumed worker's follows the first). */
export interface Conversation {
  prompts: number;
}

/** How many worker prompts ("Your task plan is …") the texts of a request hold. */
export const promptsIn = (texts: readonly string[]): number =>
  texts.filter((t) => /Your task plan is \S+/.test(t)).length;

/**
 * A worker that blocks, for resuming: it ticks item 1, marks item 2 `[?]` and ends its turn, so
 * the task is blocked. Resumed — its first conversation followed by dispatch's next prompt — it
 * goes on from there: ticks the `[?]` item, touches ipc/.done and ends. Started afresh instead,
 * it would only block again.
 */
export function blockingScript(planPath: string, conversation: Conversation): ScriptStep[] {
  const block = `awk 'f == 0 && sub(/^- \\[ \\] /, "- [?] ") { f = 1 } { print }' ${q(planPath)} > ${q(`${planPath}.fake-tmp`)} && mv ${q(`${planPath}.fake-tmp`)} ${q(planPath)}`;
  const unblock = `sed 's/^- \\[?\\] /- [x] /' ${q(planPath)} > ${q(`${planPath}.fake-tmp`)} && mv ${q(`${planPath}.fake-tmp`)} ${q(planPath)}`;
  const first: ScriptStep[] = [{ shell: tickFirst(planPath) }, { shell: block }];
  if (conversation.prompts < 2) return [...first, { text: 'Item 2 needs the user: blocked.' }];
  return [
    ...first,
    { shell: unblock },
    { shell: `touch ${q(join(dirname(planPath), 'ipc', '.done'))}` },
    { text: 'Every item of the plan is done.' },
  ];
}

/** The plan path the worker prompt names ("Your task plan is <path>"), in any text of a request. */
export function planPathIn(texts: readonly string[]): string | null {
  for (const text of texts) {
    const m = /Your task plan is (\S+)/.exec(text);
    if (m) return m[1]!;
  }
  return null;
}

/** A tool call's id carries its step and try, so the next turn is derived from the request alone. */
export const callId = (prefix: string, step: number, attempt: number) => `${prefix}_fake_s${step}_t${attempt}`;

/** The step and try a previous call id names, or null for an id this fake did not make. */
export function parseCallId(id: string): { step: number; attempt: number } | null {
  const m = /_fake_s(\d+)_t(\d+)$/.exec(id);
  return m ? { step: Number(m[1]), attempt: Number(m[2]) } : null;
}

/** The next step to take, from the last call this fake made and what it returned. */
export function nextStep(
  script: readonly ScriptStep[],
  last: { id: string; output: string } | null,
): { index: number; attempt: number } {
  const prev = last && parseCallId(last.id);
  if (!prev || !last) return { index: 0, attempt: 0 };
  const step = script[prev.step];
  if (step && !('text' in step) && step.until !== undefined && !last.output.includes(step.until))
    return { index: prev.step, attempt: prev.attempt + 1 };
  return { index: prev.step + 1, attempt: 0 };
}
