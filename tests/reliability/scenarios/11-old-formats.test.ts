import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@dispatch/config';
import { parsePlan, readEventLog, readTaskFile, taskPaths, type LoggedEvent } from '@dispatch/ipc-fs';
import { printFigures, since } from './support/figures.js';
import { bin } from './support/workspace.js';
import { deriveTask } from '@dispatch/runtime';

// Scenario 11, old formats: the committed files of every released on-disk format (v1 only so
// far, written by fixtures/formats/generate-v1.mjs and never regenerated) still load through
// the public APIs and `dispatch status --json`; an event type from a newer version is skipped
// with a warning, never a crash.
const FORMATS = ['v1'];
const fixtures = new URL('../fixtures/formats/', import.meta.url).pathname;
const temps: string[] = [];
afterAll(() => temps.forEach((t) => rmSync(t, { recursive: true, force: true })));

interface StatusView {
  id: string;
  state: string;
  taskDir?: string;
  items: { text: string; mark: string; note: string | null }[];
  [field: string]: unknown;
}

/** A copy of a format's workspace (tests never touch the committed files), and a home for the CLI. */
function copyOf(format: string) {
  const dir = mkdtempSync(join(tmpdir(), `dispatch-formats-${format}-`));
  const home = mkdtempSync(join(tmpdir(), `dispatch-formats-${format}-home-`));
  temps.push(dir, home);
  cpSync(join(fixtures, format, 'workspace'), dir, { recursive: true });
  // DISPATCH_DIR pinned: no `.dispatch/` left in an ancestor of the temp folder may stand in for it.
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DISPATCH_HOME: home,
    DISPATCH_DIR: join(dir, '.dispatch'),
    NO_COLOR: '1',
  };
  const dispatch = (...args: string[]) =>
    execa('node', [bin, ...args], { cwd: dir, env, extendEnv: false, reject: false });
  return { dir, dispatchDir: join(dir, '.dispatch'), dispatch };
}

const withoutDir = ({ taskDir: _dir, ...view }: StatusView) => view;
const figures: Record<string, string | number> = {};
const started = performance.now();
afterAll(() => printFigures('11 old formats', { ...figures, 'wall time': `${since(started)} ms` }));

describe.each(FORMATS)('format %s', (format) => {
  const expected = JSON.parse(readFileSync(join(fixtures, format, 'expected-status.json'), 'utf8')) as StatusView[];

  it('loads every task through the public APIs as that version saw it', async () => {
    const { dispatchDir } = copyOf(format);
    let events = 0;
    for (const want of expected) {
      const paths = taskPaths(dispatchDir, want.id);
      const task = await readTaskFile(paths);
      expect([task.id, typeof task.prompt, typeof task.createdAt]).toEqual([want.id, 'string', 'string']);
      const log = await readEventLog(paths.events);
      expect({ torn: log.torn, skipped: log.skipped, unknown: log.unknown, malformed: log.malformed }).toEqual({
        torn: false,
        skipped: 0,
        unknown: [],
        malformed: [],
      });
      expect(log.events[0]?.type).toBe('task.created');
      expect(log.events.map((e) => e.seq)).toEqual(log.events.map((_, i) => i + 1));
      events += log.events.length;
      const derived = await deriveTask(dispatchDir, want.id);
      // The log alone says it all: nothing on disk is news, no warning.
      expect({ state: derived.state, unrecorded: derived.unrecorded, warnings: derived.warnings }).toEqual({
        state: want.state,
        unrecorded: [],
        warnings: [],
      });
      const plan = parsePlan(readFileSync(paths.plan, 'utf8'));
      expect(plan.items.map((i) => ({ text: i.text, mark: i.mark }))).toEqual(
        want.items.map((i) => ({ text: i.text, mark: i.mark })),
      );
    }
    figures[`${format} tasks`] = `${expected.length} (${expected.map((t) => `${t.id} ${t.state}`).join(', ')})`;
    figures[`${format} log events replayed`] = events;
  });

  it('reads its configs, the reference format and the old agents format', async () => {
    const dir = join(fixtures, format, 'config');
    const names = readdirSync(dir).sort();
    for (const name of names) {
      const { config, warnings } = await loadConfig(join(dir, name));
      expect(Object.keys(config.models).length + Object.keys(config.aliases).length, name).toBeGreaterThan(0);
      // The old format reads, and only says how to convert it.
      expect(
        warnings.map((w) => w.key),
        name,
      ).toEqual(name.startsWith('old-format') ? ['agents'] : []);
    }
    figures[`${format} configs loaded`] = names.join(', ');
  });

  it('`dispatch status --json` on a copied workspace says what that version said', async () => {
    const { dispatch } = copyOf(format);
    const r = await dispatch('status', '--json');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    const views = JSON.parse(String(r.stdout)) as StatusView[];
    // What v1 said stays said; later versions may add fields (the JSON only grows).
    expect(views.map(withoutDir)).toMatchObject(expected.map(withoutDir));
    await dispatch('daemon', 'stop');
  });

  it('skips events of types a newer version wrote, with a warning naming the file and line, never a crash', async () => {
    const { dispatchDir, dispatch } = copyOf(format);
    const paths = taskPaths(dispatchDir, 'continued');
    const lines = readFileSync(paths.events, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as LoggedEvent);
    const at = lines[3]!.at;
    // A new type in the middle, a known type with fields this version never wrote, a new type last.
    lines.splice(4, 0, { seq: 0, at, type: 'worker.heartbeat', rss: 1234 });
    lines.splice(6, 0, { ...lines[5]!, futureField: { nested: [1, 2] } });
    lines.push({ seq: 0, at: lines.at(-1)!.at, type: 'task.archived', by: 'a newer dispatch' });
    writeFileSync(paths.events, lines.map((l, i) => `${JSON.stringify({ ...l, seq: i + 1 })}\n`).join(''));

    const derived = await deriveTask(dispatchDir, 'continued');
    expect(derived.state).toBe(expected.find((t) => t.id === 'continued')!.state);
    expect(derived.warnings).toHaveLength(2);
    const r = await dispatch('status', 'continued', '--json');
    expect(r.exitCode).toBe(0);
    expect((JSON.parse(String(r.stdout)) as StatusView).state).toBe(derived.state);
    const warnings = String(r.stderr).split('\n');
    expect(warnings).toEqual([
      `dispatch: warning: ${paths.events}:5: skipped an event of unknown type "worker.heartbeat" (written by a newer dispatch?)`,
      `dispatch: warning: ${paths.events}:${lines.length}: skipped an event of unknown type "task.archived" (written by a newer dispatch?)`,
    ]);
    figures[`${format} newer events`] =
      `2 unknown types skipped with 2 warnings, 1 unknown field ignored; state ${derived.state}`;
  });
});
