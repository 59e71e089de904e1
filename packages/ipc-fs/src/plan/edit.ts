import { renameSync, statSync, type BigIntStats } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fsyncDir, tempPathFor } from '../atomic-write.js';
import { IpcError, isErrno } from '../errors.js';
import { formatNote, mayHoldNote, noteIdsIn, withNotes } from './note.js';

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
  interleave?: (phase: 'before-rename' | 'after-rename', attempt: number) => Promise<void> | void;
}

interface Snapshot {
  text: string;
  mode: number;
  mtimeMs: number;
  /** Inode, size and nanosecond times: any write or replacement changes it. */
  version: string;
}

function versionOf(st: BigIntStats): string {
  return `${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

/** The file's version now, or undefined when it is gone (the next attempt reports that). */
function currentVersion(path: string): string | undefined {
  const st = statSync(path, { bigint: true, throwIfNoEntry: false });
  return st === undefined ? undefined : versionOf(st);
}

/** Reads text and metadata; a read that raced an in-place write comes back undefined. */
async function readSnapshot(path: string): Promise<Snapshot | undefined> {
  try {
    const before = await stat(path, { bigint: true });
    const text = await readFile(path, 'utf8');
    const after = await stat(path, { bigint: true });
    if (versionOf(before) !== versionOf(after)) return undefined;
    return { text, mode: Number(after.mode & 0o7777n), mtimeMs: Number(after.mtimeMs), version: versionOf(after) };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new IpcError('io', `${path} does not exist: a note needs the task's plan`, { file: path, cause: err });
    }
    throw err;
  }
}

/** An empty file or a last line with no ending may be a worker's write in progress. */
function looksUnfinished(snap: Snapshot, quietMs: number): boolean {
  const young = Date.now() - snap.mtimeMs < quietMs;
  return young && (snap.text === '' || !/[\r\n]$/.test(snap.text));
}

async function writeTemp(tmp: string, text: string, mode: number): Promise<void> {
  const fh = await open(tmp, 'wx', mode);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** True when every note is in the file now and still `settleMs` later (no stale rewrite undid one). */
async function survives(path: string, noteIds: readonly string[], settleMs: number): Promise<boolean> {
  const all = async () => {
    const text = await readFile(path, 'utf8');
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
 * One compare-and-swap attempt: read, append the notes not there yet, write a temp file, check
 * nothing changed, rename. `present` collects the notes found already there before we wrote.
 */
async function attemptAppend(path: string, notes: readonly NewNote[], wrote: boolean, attempt: number, o: Settings, present: Set<string>): Promise<Outcome> {
  const ids = notes.map((n) => n.id);
  const before = await readSnapshot(path);
  if (before === undefined) return 'changed';
  // Parsed only when a marker may be there: a plain string search keeps the compare-and-swap
  // window short against a worker rewriting a long plan many times a second.
  const there = ids.some((id) => mayHoldNote(before.text, id)) ? noteIdsIn(before.text) : new Set<string>();
  if (!wrote) for (const id of ids) if (there.has(id)) present.add(id);
  const missing = notes.filter((n) => !there.has(n.id));
  if (missing.length === 0) {
    // A retry may find our earlier write there after all: still check it was not undone.
    if (!wrote) return 'present';
    return (await survives(path, ids, o.settleMs)) ? 'added' : 'replaced';
  }
  if (looksUnfinished(before, o.quietMs)) return 'unsettled';
  const tmp = tempPathFor(path);
  try {
    await writeTemp(tmp, withNotes(before.text, missing), before.mode);
    await o.interleave?.('before-rename', attempt);
    const now = await readSnapshot(path);
    if (now === undefined || now.text !== before.text) return 'changed';
    // stat and rename back to back, synchronously: a worker write can only slip in between these
    // two system calls, the one window compare-and-swap over rename cannot close.
    if (currentVersion(path) !== now.version) return 'changed';
    renameSync(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
  await fsyncDir(dirname(path));
  await o.interleave?.('after-rename', attempt);
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
 * a repeat return 'present'. Compare-and-swap against the worker's edits: an attempt whose file
 * changed before the rename, or whose write a worker's stale rewrite undid, is retried with
 * backoff; `plan-conflict` after `maxAttempts`. A worker edit made before our read is never lost.
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
