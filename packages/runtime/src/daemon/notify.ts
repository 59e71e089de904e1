import { spawn } from 'node:child_process';
import { findCommand } from '@dispatch/config';

/** What a notify hook is given on stdin: a `wait --json` line (docs/events.md), plus the workspace. */
export type NotifyEvent = Record<string, unknown> & { type: string; id: string };

/**
 * The command notable events go to: the config's `notify`, else on a desktop (a display and
 * `notify-send` on PATH) a desktop notification; null when there is neither.
 */
export function notifyCommand(configured: string | undefined, env: NodeJS.ProcessEnv): string | null {
  if (configured !== undefined && configured.trim() !== '') return configured;
  const desktop = (env.DISPLAY || env.WAYLAND_DISPLAY) && findCommand('notify-send', env.PATH) !== null;
  // The body notify-send shows is markup (<b>, <a href>, <img>): it gets the text escaped.
  return desktop ? 'notify-send --app-name=dispatch dispatch "$DISPATCH_NOTIFY_BODY"' : null;
}

/**
 * `text` as plain text for a hook: worker text (a question, a failure) can hold control
 * characters, which a hook echoing it to a terminal would otherwise obey; shown as `\xNN`.
 */
export function plainText(text: string): string {
  return text.replace(
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** `text` with the characters desktop notification markup gives meaning to escaped. */
export function markupEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Runs the hook with the event as one JSON line on stdin (and `DISPATCH_NOTIFY_TEXT`, a human
 * line, plain text; `DISPATCH_NOTIFY_BODY`, the same escaped for notification markup), detached
 * and bounded (killed after 30 s): a slow or broken hook never holds a task up.
 */
export function runNotify(
  command: string,
  event: NotifyEvent,
  text: string,
  env: NodeJS.ProcessEnv,
  onError: (err: unknown) => void,
): void {
  const child = spawn('sh', ['-c', command], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { ...env, DISPATCH_NOTIFY_TEXT: plainText(text), DISPATCH_NOTIFY_BODY: markupEscaped(plainText(text)) },
    detached: true,
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  timer.unref();
  child.on('error', onError);
  child.on('exit', () => clearTimeout(timer));
  child.stdin.on('error', () => undefined); // a hook that does not read stdin
  child.stdin.end(`${JSON.stringify(event)}\n`);
  child.unref();
}
