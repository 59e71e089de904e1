import { describe, expect, it } from 'vitest';
import { cleanUpWorkspaces, e2eWorkspace, until } from './e2e-workspace.js';

// Security: a task's files are data, never terminal control. A worker's output, a question, a
// plan item or a cloned repository's committed task can hold escape sequences that would clear
// lines, retitle the window or write the clipboard (OSC 52). Human output shows them escaped;
// --json and --raw give them as they are.
cleanUpWorkspaces();

const CLIPBOARD = '\x1b]52;c;cHduZWQ=\x07'; // OSC 52: write "pwned" to the clipboard
const TITLE = '\x1b]0;pwned\x07'; // retitle the terminal window
const ERASE = '\x1b[2K\r'; // erase the line, back to its start
const CLEAR_LINE = '\x1b[2K'; // a step holds no line break, so no \r there
/** Any raw control character but newline and tab. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

describe('control characters from task files reach no terminal raw', () => {
  it('status, inbox, wait, result and logs escape them; --json and --raw keep them', async () => {
    const w = e2eWorkspace('escapes');
    const run = await w.dispatch([
      'run',
      '--model',
      'sim',
      '--id',
      'esc',
      '--step',
      `Scan ${CLIPBOARD}the code`,
      '--step',
      `Review {ask: ${TITLE}JWT or sessions?}`,
      'x',
    ]);
    expect(run.exitCode, run.stderr).toBe(0);
    const wait = await w.dispatch(['wait', 'esc']);
    expect(wait.stdout).toContain('esc asks #1: \\x1b]0;pwned\\x07JWT or sessions?');
    expect(wait.stdout).not.toMatch(RAW);

    for (const args of [['status'], ['inbox'], ['result', 'esc'], ['logs', 'esc']]) {
      const r = await w.dispatch(args);
      expect(r.exitCode, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(RAW);
    }
    expect((await w.dispatch(['status'])).stdout).toContain('#1 \\x1b]0;pwned\\x07JWT or sessions?');
    expect((await w.dispatch(['result', 'esc'])).stdout).toContain('Scan \\x1b]52;c;cHduZWQ=\\x07the code');

    // Machine-readable output keeps the text as it is, JSON-escaped.
    const json = JSON.parse((await w.dispatch(['status', 'esc', '--json'])).stdout) as { question: { text: string } };
    expect(json.question.text).toBe(`${TITLE}JWT or sessions?`);
    expect((await w.dispatch(['result', 'esc', '--raw'])).stdout).toContain(CLIPBOARD);
    expect((await w.dispatch(['logs', 'esc', '--raw'])).stdout).toContain(TITLE);

    // A note and an answer with control characters; the task completes and shows them escaped.
    expect((await w.dispatch(['note', 'esc', `${ERASE}staging is down`])).exitCode).toBe(0);
    expect((await w.dispatch(['answer', 'esc', `JWT${ERASE}`])).exitCode).toBe(0);
    await until(async () => (await w.state('esc')) === 'completed');
    for (const args of [
      ['wait', 'esc'],
      ['result', 'esc'],
      ['logs', 'esc'],
    ]) {
      expect((await w.dispatch(args)).stdout, args.join(' ')).not.toMatch(RAW);
    }
  });

  it('a failure message with escapes is shown escaped by wait, status and inbox', async () => {
    const w = e2eWorkspace('escapes-failed');
    expect(
      (await w.dispatch(['run', '--model', 'sim', '--id', 'boom', '--step', `{fail: ${CLEAR_LINE}disk full}`, 'x']))
        .exitCode,
    ).toBe(0);
    const wait = await w.dispatch(['wait', 'boom']);
    expect(wait.stdout).toContain('\\x1b[2Kdisk full');
    for (const args of [['wait', 'boom'], ['status'], ['inbox']]) {
      const r = await w.dispatch(args);
      expect(r.stdout, args.join(' ')).toMatch(/disk full/);
      expect(r.stdout, args.join(' ')).not.toMatch(RAW);
    }
  });
});
