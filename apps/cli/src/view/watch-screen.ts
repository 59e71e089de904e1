import type { Io } from '../io.js';

// On a terminal `--watch` draws on the alternate screen, as top and less do: frames never pile
// up in the scrollback, and the shell's screen comes back as it was when it ends.
const ENTER = '\u001b[?1049h\u001b[?25l'; // alternate screen, cursor hidden
const LEAVE = '\u001b[?25h\u001b[?1049l';
const HOME_CLEAR = '\u001b[H\u001b[2J';

/**
 * Runs `watch` until Ctrl-C or SIGTERM (both end it with exit 0). On a terminal (`tty`) it gives
 * `watch` a `draw` that replaces the screen, draws `first`, and redraws on a resize; the terminal
 * is restored however it ends. Piped, `draw` is never needed: the watcher prints frames itself.
 */
export async function watchScreen(
  io: Io,
  tty: boolean,
  first: string,
  frame: () => Promise<string>,
  watch: (signal: AbortSignal, draw: (text: string) => void) => Promise<unknown>,
): Promise<void> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  // Ours from before the first frame: a reader that saw it may stop us at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let current = first;
  let stopped = false;
  const draw = (text: string) => {
    // A frame still being made when Ctrl-C came must not land on the shell's screen after it is back.
    if (stopped || controller.signal.aborted) return;
    current = text;
    io.out(HOME_CLEAR + text);
  };
  // Sync: runs even if the process ends some other way, so the shell never stays on the alternate screen.
  const restore = () => io.out(LEAVE);
  let stopResize = () => {};
  try {
    if (tty) {
      io.out(ENTER);
      process.once('exit', restore);
      draw(first);
      // A resize redraws at once, at the new size (the frame reads the width and height anew).
      stopResize = io.onResize?.(() => void frame().then(draw, () => draw(current))) ?? stopResize;
    } else io.out(first);
    await watch(controller.signal, draw);
  } finally {
    stopped = true;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    stopResize();
    if (tty) {
      process.off('exit', restore);
      restore();
    }
  }
}
