import { closeSync, fstatSync, openSync, writeSync, type BigIntStats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { IpcError, isErrno } from '../errors.js';
import { formatNote, mayHoldNote, noteIdsIn, withNotes } from './note.js';
import { readDataFile } from '../safe-read.js';

/** Why `appendNote` tried again. */
export type NoteRetryReason = 'changed' | 'replaced' | 'unsettled';

/** Tuning and observation of `appendNote`; the defaults suit a worker editing plan.md live. */
export interface AppendNoteOptions {
  /** Tries before giving up with `plan-conflict` (default 30). */
  maxAttempts?: number;
  /** After writing, the note must still be there this much later (default 50 ms). */
  settleMs?: number;
  /** An empty or cut-off file is written to only once unmodified this long (default 50 ms). */
  quietMs?: number;
  /** Called before each retry, for logs. */
  onRetry?: (attempt: number, reason: NoteRetryReason) => void;
  /** Runs at the two racy points of each attempt; tests play a concurrent worker write here. */
  interleave?: (phase: 'before-append' | 'after-append', attempt: number) => Promise<void> | void;
  /** Runs synchronously between the last check and the append, the window no check covers: tests write there. */
  raceWindow?: () => void;
}

interface Snapshot {
  text: string;
  mtimeMs: number;
  /** Bytes, as stat says. */
  size: number;
  /** Inode, size and nanosecond times: any write or replacement changes it. */
  version: string;
}

function versionOf(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** Reads text and metadata; a read that raced an in-place write comes back undefined. */
async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  try {
    const before = await stat(path, { bigint: true });
    const text = await readDataFile(path);
    const after = await stat(path, { bigint: true });
    if (versionOf(before) !== versionOf(after)) return undefined;
    return { text, mtimeMs: Number(after.mtimeMs), size: Number(after.size), version: versionOf(after) };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new IpcError('io', `${path} does not exist: a note needs the task's plan`, { file: path, cause: err });
    }
    throw err;
  }
}

/** How long a file cut at a page boundary must stay unchanged before it is taken as whole. */
const PAGE_CUT_QUIET_MS = 1_000;

/**
 * A young file that is empty, ends without a line ending, or stops at a page boundary may be a
 * worker's in-place write in progress: the kernel copies a write page by page, so a reader can
 * find the file cut after a whole number of 4 KiB pages — at a line's end, now and then — while
 * the writer waits for the CPU. On a loaded machine that wait can outlast `quietMs`, and a note
 * missing from the cut-off tail would be appended again after the worker's copy of it: such a
 * file must stay unchanged for a second (a whole plan of exactly N pages is rare; it waits).
 */
function looksUnfinished(snap: Snapshot, quietMs: number): boolean {
  const age = Date.now() - snap.mtimeMs;
  if (snap.size % 4096 === 0 && age < Math.max(quietMs, PAGE_CUT_QUIET_MS)) return true;
  return age < quietMs && !/[\r\n]$/.test(snap.text);
}

/** True when every note is in the file now and still `settleMs` later (no stale rewrite undid one). */
async function survives(path: string, noteIds: readonly string[], settleMs: number): Promise<boolean> {
  const all = async () => {
    const text = await readDataFile(path);
    if (!noteIds.every((id) => mayHoldNote(text, id))) return false;
    const present = noteIdsIn(text);
    return noteIds.every((id) => present.has(id));
  };
  if (!(await all())) return false;
  await sleep(settleMs);
  return all();
}

/** Jittered exponential backoff, so retries drift out of step with a periodic writer. */
function backoffMs(attempt: number): number {
  const cap = Math.min(250, 5 * 2 ** (attempt - 1));
  return cap / 2 + Math.random() * (cap / 2);
}

type Outcome = 'added' | 'present' | NoteRetryReason;
type Settings = Required<Pick<AppendNoteOptions, 'maxAttempts' | 'settleMs' | 'quietMs'>> & AppendNoteOptions;

/** A note to append: its hidden id and its text. */
export interface NewNote {
  id: string;
  text: string;
}

/**
 * Appends `bytes` to the file at `path` if it is still at `version`: one `write` on an
 * `O_APPEND` descriptor, so it lands after whatever is there, never over it. 'changed' when the
 * file moved on since it was read (the caller reads again).
 */
function appendIfUnchanged(
  path: string,
  bytes: string,
  version: string,
  raceWindow?: () => void,
): 'written' | 'changed' {
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'changed';
    throw err;
  }
  try {
    if (versionOf(fstatSync(fd, { bigint: true })) !== version) return 'changed';
    raceWindow?.();
    const buf = Buffer.from(bytes, 'utf8');
    // One write, so no other write lands inside it; a short write (only on a full disk) goes on.
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off);
    return 'written';
  } finally {
    closeSync(fd);
  }
}

/**
 * One attempt: read, then append the notes not there yet, then check they stay. The file is only
 * ever appended to, never replaced: whatever a worker writes — in place or by temp + rename, at
 * any moment — stays. A rename that lands just before our append takes our note with the file it
 * replaced, and a stale rewrite drops it: the check after sees it missing and the next attempt
 * appends it again. `present` collects the notes found already there before we wrote.
 */
async function attemptAppend(
  path: string,
  notes: readonly NewNote[],
  wrote: boolean,
  attempt: number,
  o: Settings,
  present: Set<string>,
): Promise<Outcome> {
  const ids = notes.map((n) => n.id);
  const before = await readSnapshot(path);
  if (before === undefined) return 'changed';
  // Parsed only when a marker may be there: a plain string search stays cheap on a long plan.
  const there = ids.some((id) => mayHoldNote(before.text, id)) ? noteIdsIn(before.text) : new Set<string>();
  if (!wrote) for (const id of ids) if (there.has(id)) present.add(id);
  const missing = notes.filter((n) => !there.has(n.id));
  if (missing.length === 0) {
    // A retry may find our earlier write there after all: still check it was not undone.
    if (!wrote) return 'present';
    return (await survives(path, ids, o.settleMs)) ? 'added' : 'replaced';
  }
  if (looksUnfinished(before, o.quietMs)) return 'unsettled';
  // What `withNotes` adds after the text: the last line finished, a blank line, the notes. It
  // starts a new line in any case: a worker's write may still come in just before it.
  const added = withNotes(before.text, missing).slice(before.text.length);
  const suffix =
    before.text !== '' && !/^\r?\n/.test(added) ? `${/\r\n$/.test(before.text) ? '\r\n' : '\n'}${added}` : added;
  await o.interleave?.('before-append', attempt);
  if (appendIfUnchanged(path, suffix, before.version, o.raceWindow) === 'changed') return 'changed';
  await o.interleave?.('after-append', attempt);
  return (await survives(path, ids, o.settleMs)) ? 'added' : 'replaced';
}

const queues = new Map<string, Promise<unknown>>();

/** Runs `task` after every earlier task on the same key, so this process never races itself. */
async function serially<T>(key: string, task: () => Promise<T>): Promise<T> {
  const run = (queues.get(key) ?? Promise.resolve()).then(task, task);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  try {
    return await run;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/**
 * Appends a `> **Note from dispatcher:**` note to plan.md, once: the hidden `noteId` marker makes
 * a repeat return 'present'. Appended in place (never a rewrite), so no worker edit is ever lost;
 * a note a worker's rewrite dropped is appended again, with backoff; `plan-conflict` after
 * `maxAttempts`. See docs/decisions/0014-notes-appended-in-place.md.
 * @example await appendNote(paths.plan, 'req-20240501-1', 'Focus on JWT, ignore sessions')
 */
export async function appendNote(
  planPath: string,
  noteId: string,
  text: string,
  options: AppendNoteOptions = {},
): Promise<'added' | 'present'> {
  const outcomes = await appendNotes(planPath, [{ id: noteId, text }], options);
  return outcomes.get(noteId) ?? 'added';
}

/**
 * `appendNote` for several notes in one write (and one wait to see them stay): what keeps a burst
 * of notes from queueing behind each other while a worker rewrites plan.md. Returns, per id,
 * 'present' for a note that was there already, else 'added'.
 * @example await appendNotes(paths.plan, [{ id: 'req-1', text: 'use JWT' }, { id: 'req-2', text: 'skip docs' }])
 */
export async function appendNotes(
  planPath: string,
  notes: readonly NewNote[],
  options: AppendNoteOptions = {},
): Promise<Map<string, 'added' | 'present'>> {
  for (const n of notes) formatNote(n.id, n.text); // refuse a bad id or empty text before touching the file
  const path = resolve(planPath);
  const o: Settings = {
    ...options,
    maxAttempts: options.maxAttempts ?? 30,
    settleMs: options.settleMs ?? 50,
    quietMs: options.quietMs ?? 50,
  };
  const label = notes.length === 1 ? `note ${notes[0]?.id}` : `${notes.length} notes`;
  return serially(path, async () => {
    let wrote = false;
    const present = new Set<string>();
    for (let attempt = 1; attempt <= o.maxAttempts; attempt++) {
      const outcome = await attemptAppend(path, notes, wrote, attempt, o, present);
      if (outcome === 'added' || outcome === 'present') {
        return new Map(notes.map((n) => [n.id, present.has(n.id) ? 'present' : 'added'] as const));
      }
      if (outcome === 'replaced') wrote = true;
      o.onRetry?.(attempt, outcome);
      await sleep(backoffMs(attempt));
    }
    throw new IpcError(
      'plan-conflict',
      `could not add ${label} to ${path}: it kept changing under us (${o.maxAttempts} tries); try again`,
      { file: path },
    );
  });
}
