import { isErrno } from '../errors.js';
import { appendNotes, type AppendNoteOptions } from './edit.js';
import { noteIdsIn } from './note.js';
import { readDataFile } from '../safe-read.js';

/** A dispatcher note as the log records it: its hidden id and its text. */
export interface KeptNote {
  id: string;
  text: string;
}

/** What a note keeper reports; errors never stop it (the next `check` tries again). */
export interface NoteKeeperOptions {
  /** Told of each note it put back into plan.md. */
  onRestored?: (note: KeptNote) => void;
  onError?: (err: unknown) => void;
  /** Passed to `appendNote` (tests shorten the waits). */
  append?: AppendNoteOptions;
}

/** Keeps the notes added to a plan in it: `check` after every plan change puts back what a rewrite dropped. */
export interface NoteKeeper {
  /** A note that was added (or found in the log): from now on it is kept. */
  remember(note: KeptNote): void;
  /** Puts back, once each, the remembered notes missing from plan.md; calls made meanwhile fold into one more pass. */
  check(): Promise<void>;
}

/**
 * A keeper of the dispatcher notes of one plan. `appendNote` watches its note only briefly; a
 * worker that later rewrites plan.md from a copy it read before the note came drops it. The
 * host remembers every note it added (they are in its log) and checks on every plan change:
 * a missing note is appended again, compare-and-swap as before, so no worker edit is lost, and
 * idempotently by its id, so none is doubled.
 * @example const keeper = createNoteKeeper(paths.plan); keeper.remember({ id, text }); await keeper.check()
 */
export function createNoteKeeper(planPath: string, options: NoteKeeperOptions = {}): NoteKeeper {
  const notes = new Map<string, string>();
  let running: Promise<void> | undefined;
  let again = false;

  const pass = async () => {
    if (notes.size === 0) return; // none to keep: nothing to read
    let text: string;
    try {
      text = await readDataFile(planPath);
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return; // no plan, nothing to keep notes in
      throw err;
    }
    const present = noteIdsIn(text);
    const missing = [...notes].filter(([id]) => !present.has(id)).map(([id, note]) => ({ id, text: note }));
    if (missing.length === 0) return;
    const outcomes = await appendNotes(planPath, missing, options.append);
    for (const note of missing) if (outcomes.get(note.id) === 'added') options.onRestored?.(note);
  };

  const loop = async () => {
    do {
      again = false;
      await pass().catch((err: unknown) => options.onError?.(err));
    } while (again);
  };

  return {
    remember(note) {
      notes.set(note.id, note.text);
    },
    check() {
      if (running) {
        again = true;
        return running;
      }
      running = loop().finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
