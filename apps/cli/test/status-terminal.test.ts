// `dispatch status` on real terminals (issue 16, item 7): a tmux pane of a given size, and what
// is on its screen — tmux interprets the escape sequences as a terminal would.
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { taskPaths, writeRequest } from '@dispatch/ipc-fs';
import { assertFreshBuild, bin } from './built-binary.js';
import { cleanUpWorkspaces, type E2eWorkspace, e2eWorkspace, until } from './e2e-workspace.js';
import { hasTmux, openPane, type Pane } from './tmux-pane.js';

beforeAll(assertFreshBuild);
cleanUpWorkspaces();

const panes: Pane[] = [];
afterEach(async () => {
  for (const p of panes.splice(0)) await p.close();
});

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

async function pane(ws: E2eWorkspace, args: string, columns: number, rows: number): Promise<Pane> {
  // A marker before and the exit status after, as a shell session would show them.
  const command = `printf 'shell-before\\n'; node ${sh(bin)} ${args}; echo "exit=$?"`;
  const p = await openPane(command, { columns, rows, env: ws.env, cwd: ws.dir });
  panes.push(p);
  return p;
}

const settled = (check: () => Promise<void>) => vi.waitFor(check, { timeout: 20_000, interval: 50 });
const onScreen = async (p: Pane, pattern: RegExp) => until(async () => (await p.screen()).some((l) => pattern.test(l)));

/** Nothing on screen wrapped: joining wrapped rows changes nothing. */
async function expectNoWrap(p: Pane): Promise<void> {
  const text = (lines: string[]) => lines.filter((l) => l !== '').join('\n');
  expect(text(await p.joined())).toBe(text(await p.screen()));
}

const LONG_ITEM = `Rewrite the session store so that it ${'keeps working when the database restarts '.repeat(3)}`;
const LONG_QUESTION = `Should the session store move to Redis ${'or stay in Postgres with a cache in front '.repeat(3)}?`;

describe.skipIf(!hasTmux() && process.env.CI !== 'true')('status on a terminal', () => {
  it('80×24: every row fits the width (cut with …), finished tasks fold into one line, the current item shows', async () => {
    const ws = e2eWorkspace('status-tty');
    for (const id of ['done-one', 'done-two', 'done-three']) await ws.start(id, 'Only');
    await ws.start('refactor-the-session-store-module', 'Read it', `${LONG_ITEM} {hang}`);
    await ws.start('asker', `Decide {ask: ${LONG_QUESTION}}`);
    await until(async () =>
      (await Promise.all(['done-one', 'done-two', 'done-three', 'asker'].map(ws.state))).every(
        (s) => s === 'completed' || s === 'awaiting-answer',
      ),
    );
    await until(async () => (await ws.dispatch(['status', '--json'])).stdout.includes('"mark":"done"'));
    const p = await pane(ws, 'status', 80, 24);
    await onScreen(p, /^exit=0$/);
    const screen = await p.screen();
    await expectNoWrap(p);
    expect(screen).toContainEqual(
      expect.stringMatching(/^\? asker asks #1 \(\dm \d+s left\): Should the session store .*…$/),
    );
    expect(screen).toContainEqual(expect.stringMatching(/^asker +awaiting-answer +sim +0\/1 .*\? #1 Should the.*…$/));
    // The running task's current item, cut to fit; its id cut too rather than pushing the row over.
    expect(screen).toContainEqual(
      expect.stringMatching(/^refactor-t\S*…\s+running\s+sim\s+1\/2\s+\d+s\s+▸ Rewrite the session s.*…$/),
    );
    expect(screen).toContain('+3 completed — dispatch clean removes them; dispatch status --all shows them');
    expect(screen.some((l) => /^done-one /.test(l))).toBe(false);
  });

  it('80×24 with wide characters (CJK, emoji): rows and the detail view still fit, counted in columns', async () => {
    const ws = e2eWorkspace('status-wide-tty');
    const question =
      'セッションストアはPostgresのままにしますか、それともRedisに移しますか？キャッシュも前に置きますか？';
    await ws.start('wide', `決める 🚀 {ask: ${question}}`);
    await ws.start('busy', `🚀🚀 デプロイの準備をする ${'とても長い作業 '.repeat(6)} {hang}`);
    await until(() => ws.state('wide').then((s) => s === 'awaiting-answer'));
    await until(async () => (await ws.dispatch(['status', '--json'])).stdout.includes('"state":"running"'));
    for (const args of ['status', 'status wide']) {
      const p = await pane(ws, args, 80, 24);
      await onScreen(p, /^exit=0$/);
      await expectNoWrap(p);
      expect((await p.screen()).join('\n')).toContain('セッション');
    }
  });

  it('status ID at 80×24: long values wrap under their column, so the whole question and its command show', async () => {
    const ws = e2eWorkspace('status-detail-tty');
    const run = ['run', '--model', 'sim', '--id', 'asker', '--step', `Decide {ask: ${LONG_QUESTION}}`, 'asker'];
    expect((await ws.dispatch(run)).exitCode).toBe(0);
    await until(() => ws.state('asker').then((s) => s === 'awaiting-answer'));
    const p = await pane(ws, 'status asker', 80, 24);
    await onScreen(p, /^exit=0$/);
    const screen = await p.screen();
    await expectNoWrap(p); // wrapped by dispatch, not by the terminal
    expect(screen).toContain('asker'); // the title is the id: said once
    expect(screen).not.toContain('asker — asker');
    const needs = screen.findIndex((l) => l.startsWith('needs you '));
    const block = [screen[needs]!.slice(10)];
    for (let i = needs + 1; screen[i]?.startsWith(' '.repeat(10)); i++) block.push(screen[i]!.trim());
    expect(block.length).toBeGreaterThan(1);
    expect(block.join(' ')).toMatch(
      new RegExp(
        `^\\? asker asks #1 \\(\\dm \\d+s left\\): ${LONG_QUESTION.replace(/[?()]/g, '\\$&').replace(/\s+/g, ' ').trim()} — dispatch answer asker "…"$`,
      ),
    );
  });

  it('--watch at 120×14: on the alternate screen, needs-you rows always visible, redrawn on resize, nothing left in the scrollback', async () => {
    const ws = e2eWorkspace('status-watch-tty');
    await ws.start('first-question', 'Decide {ask: JWT or sessions?}');
    await ws.start('second-question', 'Decide {ask: Which port?}');
    const busy = Array.from({ length: 12 }, (_, i) => `busy-${String(i + 1).padStart(2, '0')}`);
    for (const id of busy) await ws.start(id, `Work on part ${id} {hang}`);
    await until(async () =>
      (await Promise.all(['first-question', 'second-question'].map(ws.state))).every((s) => s === 'awaiting-answer'),
    );
    const p = await pane(ws, 'status --watch', 120, 14);
    // Each check is retried until it holds: a capture may catch a frame half drawn.
    await settled(async () => {
      const screen = await p.screen();
      // What needs the user is at the top and the frame fits: 14 rows, none lost off the top.
      expect(screen[0]).toMatch(
        /^\? first-question asks #1 \(\dm \d+s left\): JWT or sessions\? — dispatch answer first-question "…"$/,
      );
      expect(screen[1]).toMatch(/^\? second-question asks #1 /);
      expect(screen).toContainEqual(expect.stringMatching(/^second-question +awaiting-answer /));
      expect(screen).toContainEqual(
        expect.stringMatching(/^\+\d+ (running|queued).* not shown — dispatch status --all \| less$/),
      );
      expect(screen).not.toContain('shell-before'); // the alternate screen, not the shell's
      await expectNoWrap(p);
    });

    // A resize (SIGWINCH) redraws at the new width: the progress bar gives way, nothing wraps.
    await p.resize(80, 14);
    await settled(async () => {
      const screen = await p.screen();
      expect(screen).toContainEqual(expect.stringMatching(/^first-q\S*\s+awaiting-answer\s+sim\s+0\/1\s/));
      expect(screen[0]).toMatch(/^\? first-question asks #1 /);
      await expectNoWrap(p);
    });

    // A change redraws in place.
    await writeRequest(taskPaths(ws.dispatchDir, 'first-question').requests, { type: 'cancel' });
    await settled(async () => expect((await p.screen())[0]).toMatch(/^\? second-question asks #1 /));

    // Ctrl-C: exit 0, the shell's screen back as it was, no frame left in the scrollback.
    await p.keys('C-c');
    await onScreen(p, /^exit=0$/);
    const history = await p.history();
    expect(history).toContain('shell-before');
    expect(history).not.toMatch(/NEEDS YOU|first-question|busy-01/);
  });

  it('--watch stopped by SIGTERM leaves the alternate screen too', async () => {
    const ws = e2eWorkspace('status-term-tty');
    await ws.start('asker', 'Decide {ask: JWT or sessions?}');
    await until(() => ws.state('asker').then((s) => s === 'awaiting-answer'));
    const p = await pane(ws, 'status --watch', 80, 24);
    await onScreen(p, /^\? asker asks #1 /);
    // The shell in the pane runs `dispatch` as its one child.
    const child = await execa('pgrep', ['-P', String(await p.pid())]);
    process.kill(Number(child.stdout.trim().split('\n')[0]), 'SIGTERM');
    await onScreen(p, /^exit=0$/);
    // Back on the shell's screen: its lines, and no frame.
    expect(await p.history()).toContain('shell-before');
    expect((await p.screen()).join('\n')).not.toContain('asker');
  });
});
