import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';

/** Whether tmux can be run here (.ci/run installs it; a developer without it skips the terminal tests). */
export function hasTmux(): boolean {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A real terminal: a tmux pane of a given size, on a private tmux server, and what it shows. */
export interface Pane {
  /** The screen as a person sees it (the alternate screen while a program uses it), one string a row. */
  screen(): Promise<string[]>;
  /** The screen with wrapped rows joined: differs from `screen()` only where a line wrapped. */
  joined(): Promise<string[]>;
  /** Everything the pane holds: its scrollback and the main screen. */
  history(): Promise<string>;
  resize(columns: number, rows: number): Promise<void>;
  keys(...keys: string[]): Promise<void>;
  /** The pid of the pane's command (the shell that runs it). */
  pid(): Promise<number>;
  /** Whether the pane's command ended, and its exit status. */
  ended(): Promise<{ dead: boolean; status: number | null }>;
  close(): Promise<void>;
}

/**
 * Runs the shell command `command` in a new `columns`×`rows` tmux pane, with exactly `env` (plus
 * TERM), in `cwd`. The pane stays after the command ends, so its last screen can still be read.
 */
export async function openPane(
  command: string,
  options: { columns: number; rows: number; env: Record<string, string>; cwd: string },
): Promise<Pane> {
  const socket = `dispatch-test-${randomBytes(6).toString('hex')}`;
  const env = { ...options.env, TERM: 'xterm-256color' };
  const tmux = (...args: string[]) =>
    execa('tmux', ['-L', socket, '-f', '/dev/null', ...args], { env, extendEnv: false, cwd: options.cwd });
  await tmux(
    'start-server',
    ';',
    'set-option',
    '-g',
    'remain-on-exit',
    'on',
    ';',
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    String(options.columns),
    '-y',
    String(options.rows),
    '-c',
    options.cwd,
    command,
  );
  const capture = async (...flags: string[]) => (await tmux('capture-pane', '-p', '-t', 'main', ...flags)).stdout;
  return {
    screen: async () => (await capture()).split('\n'),
    joined: async () => (await capture('-J')).split('\n'),
    history: () => capture('-S', '-', '-E', '-'),
    resize: async (columns, rows) =>
      void (await tmux('resize-window', '-t', 'main', '-x', String(columns), '-y', String(rows))),
    keys: async (...keys) => void (await tmux('send-keys', '-t', 'main', ...keys)),
    pid: async () => Number((await tmux('display-message', '-p', '-t', 'main', '#{pane_pid}')).stdout.trim()),
    ended: async () => {
      const [dead, status] = (
        await tmux('display-message', '-p', '-t', 'main', '#{pane_dead} #{pane_dead_status}')
      ).stdout
        .trim()
        .split(' ');
      return { dead: dead === '1', status: status === undefined || status === '' ? null : Number(status) };
    },
    close: async () => void (await tmux('kill-server').catch(() => undefined)),
  };
}
