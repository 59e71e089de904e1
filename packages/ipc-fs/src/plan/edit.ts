import { closeSync, fstatSync, openSync, readdirSync, readSync, renameSync, statSync, type BigIntStats } from 'node:fs';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
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
  /** Runs synchronously between the last check and the rename, the window no check covers: tests write there. */
  raceWindow?: () => void;
}

interface Snapshot {
  text: string;
  mode: number;
  mtimeMs: number;
  /** Bytes, as stat says. */
  size: number;
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
    return { text, mode: Number(after.mode & 0o7777n), mtimeMs: Number(after.mtimeMs), size: Number(after.size), version: versionOf(after) };
  } catch (err) {
    if (isErrno(err, 'ENOENT')) {
      throw new IpcError('io', `${path} does not exist: a note needs the task's plan`, { file: path, cause: err });
    }
    throw err;
  }
}

/**
 * A young file that is empty, ends without a line ending, or stops at a page boundary may be a
 * worker's in-place write in progress: the kernel copies a write page by page, so a reader can
 * find the file cut after a whole number of 4 KiB pages — at a line's end, now and then — while
 * the writer waits for the CPU.
 */
function looksUnfinished(snap: Snapshot, quietMs: number): boolean {
  const young = Date.now() - snap.mtimeMs < quietMs;
  return young && (snap.text === '' || !/[\r\n]$/.test(snap.text) || snap.size % 4096 === 0);
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
  let swapped: Swap;
  try {
    await writeTemp(tmp, withNotes(before.text, missing), before.mode);
    await o.interleave?.('before-rename', attempt);
    const now = await readSnapshot(path);
    if (now === undefined || now.text !== before.text) return 'changed';
    swapped = swapIn(tmp, path, now.version, o.raceWindow);
    if (swapped === 'changed') return 'changed';
  } finally {
    await rm(tmp, { force: true });
  }
  await fsyncDir(dirname(path));
  if (swapped.overwritten !== undefined && !(await restoreOverwritten(path, swapped, notes, before.mode))) return 'replaced';
  await o.interleave?.('after-rename', attempt);
  return (await survives(path, ids, o.settleMs)) ? 'added' : 'replaced';
}

/** A rename done: the version now at the path, and the fd of the file it replaced if a worker wrote into that one meanwhile. */
type Swap = 'changed' | { version: string; overwritten?: number };

/**
 * True while another writer has a fresh temp file beside plan.md (a worker writing temp + rename
 * is about to rename it in): our rename waits. A worker's rename can then only slip between our
 * last check and our rename if its whole temp file was written inside that window. Temp files
 * older than a second are a dead writer's, and do not count.
 */
function writerBusy(dir: string, ours: string): boolean {
  for (const name of readdirSync(dir)) {
    if (name === ours || !name.endsWith('.tmp')) continue;
    const st = statSync(join(dir, name), { throwIfNoEntry: false });
    if (st !== undefined && Date.now() - st.mtimeMs < 1_000) return true;
  }
  return false;
}

/**
 * Renames `tmp` over `path` if the file there is still at `version`. The check and the rename are
 * back to back, synchronous, but a worker can still slip a write in between: it replaces the
 * file (nothing can tell, short of renameat2's RENAME_EXCHANGE), or writes into it in place —
 * that one we see, since we hold the replaced file open: its size or mtime moved. Then the
 * caller gets the fd, to put the worker's bytes back.
 */
function swapIn(tmp: string, path: string, version: string, raceWindow?: () => void): Swap {
  if (writerBusy(dirname(path), basename(tmp))) return 'changed';
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    if (isErrno(err, 'ENOENT')) return 'changed';
    throw err;
  }
  let keep = false;
  try {
    const held = fstatSync(fd, { bigint: true });
    if (versionOf(held) !== version || currentVersion(path) !== version) return 'changed';
    raceWindow?.();
    renameSync(tmp, path);
    const ours = currentVersion(path) ?? '';
    const after = fstatSync(fd, { bigint: true });
    if (after.size === held.size && after.mtimeNs === held.mtimeNs) return { version: ours };
    keep = true;
    return { version: ours, overwritten: fd };
  } finally {
    if (!keep) closeSync(fd);
  }
}

/** The whole content of an open file, from its start. */
function readWhole(fd: number): string {
  const size = Number(fstatSync(fd).size);
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString('utf8');
}

/**
 * A worker wrote plan.md in place just as we renamed our version over it: its bytes went into
 * the replaced file. Put them back — with our notes — unless plan.md changed again since (then
 * the worker's newer write stands). True when nothing of the worker's was lost.
 */
async function restoreOverwritten(path: string, swap: { version: string; overwritten?: number }, notes: readonly NewNote[], mode: number): Promise<boolean> {
  const fd = swap.overwritten as number;
  try {
    // Its write may still be going on (it truncated, the bytes follow): read until the file ends a
    // line and stays the same, polling fast — the worker's next edit would start from our version.
    let text = readWhole(fd);
    const until = Date.now() + 50;
    while (Date.now() < until) {
      await new Promise((resolve) => setImmediate(resolve));
      const again = readWhole(fd);
      if (again === text && /[\r\n]$/.test(text)) break;
      text = again;
    }
    const present = noteIdsIn(text);
    const tmp = tempPathFor(path);
    try {
      await writeTemp(tmp, withNotes(text, notes.filter((n) => !present.has(n.id))), mode);
      const swapped = swapIn(tmp, path, swap.version);
      if (swapped === 'changed') return false;
      if (swapped.overwritten !== undefined) closeSync(swapped.overwritten);
      return swapped.overwritten === undefined;
    } finally {
      await rm(tmp, { force: true });
    }
  } finally {
    closeSync(fd);
  }
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
