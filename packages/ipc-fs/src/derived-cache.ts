import { lstatSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskSnapshot, TaskState } from '@dispatch/core';
import { tempPathFor } from './atomic-write.js';
import type { AttemptClaim } from './attempts.js';
import type { TaskPaths } from './paths.js';
import type { Plan } from './plan/types.js';
import { FILE_LIMITS, readDataFileSync } from './safe-read.js';
import type { TaskFile } from './task-file.js';

/**
 * A task's derived state, kept beside its log so that `status` costs what changed, not what exists
 * (decision 0026). It is a cache, never a source: every reader checks it against the files the
 * derivation read, and anything that does not match is derived again from the log and the facts.
 *
 * - The log (`events.jsonl`) and task.json by size, modification time and inode (a log only grows).
 * - For a task not yet final, the names in `ipc/` and `attempts/` (a question, an answer, `.done`, an
 *   exit record the log has not recorded): names, not a folder's time, which a coarse clock may
 *   leave unchanged by a second write. A final task takes no more facts (the machine ignores them).
 * - The plan, parsed, by its stamp as the log's (read fresh when it changed or was too new to keep);
 *   a task not yet final is derived again when the plan's counts differ from the snapshot's.
 * - Time: the next deadline of the snapshot (an answer timeout, a quota reset) ends its validity.
 * - Code: the derivation's build; another build's cache is ignored.
 *
 * Only a derivation with nothing unrecorded is kept (the log says it all), and only once the log
 * and task.json are older than `SETTLED_MS`: a same-size rewrite within one tick of a coarse
 * file clock would otherwise look unchanged.
 */
export const DERIVED_CACHE_FILE = '.derived.json';

/** How old the stamped files must be before a derivation from them is kept. */
export const SETTLED_MS = 2000;

type Stamp = [size: number, mtimeMs: number, ino: number] | null;

export interface DerivedCacheEntry {
  v: 1;
  code: string;
  task: Stamp;
  events: Stamp;
  /** Names in ipc/ and attempts/, sorted; null for a final task. */
  names: string[] | null;
  /** The next deadline (epoch ms): the entry is stale from then on. */
  until: number | null;
  /** plan.md as parsed, with its stamp; null when it was too new to keep. */
  plan: { stamp: Stamp; parsed: Plan | null } | null;
  taskFile: TaskFile;
  /** The current attempt's claim (written once, before its worker starts), or null. */
  claim: AttemptClaim | null;
  state: TaskState;
  context: TaskSnapshot['context'];
}

function stampOf(path: string): Stamp {
  try {
    const s = lstatSync(path);
    return [s.size, s.mtimeMs, s.ino];
  } catch {
    return null;
  }
}

function sameStamp(a: Stamp, b: Stamp): boolean {
  return a === null || b === null ? a === b : a[0] === b[0] && a[1] === b[1] && a[2] === b[2];
}

function namesOf(paths: TaskPaths): string[] {
  const list = (dir: string, prefix: string) => {
    try {
      return readdirSync(dir).map((n) => `${prefix}${n}`);
    } catch {
      return [];
    }
  };
  return [...list(paths.ipc, 'ipc/'), ...list(paths.attempts, 'attempts/')].sort();
}

/**
 * What a derivation is about to read, stamped before it reads it: a file that changes meanwhile
 * then no longer matches its stamp, so the entry kept is never newer than what it was derived from.
 */
export interface DerivationInputs {
  task: Stamp;
  events: Stamp;
  plan: Stamp;
  names: string[];
}

export function stampInputs(paths: TaskPaths): DerivationInputs {
  return {
    task: stampOf(paths.taskJson),
    events: stampOf(paths.events),
    plan: stampOf(paths.plan),
    names: namesOf(paths),
  };
}

/** The plan the entry kept, if plan.md is still what it was; undefined when it must be read. */
export function cachedPlan(paths: TaskPaths, entry: DerivedCacheEntry): Plan | null | undefined {
  return entry.plan !== null && sameStamp(entry.plan.stamp, stampOf(paths.plan)) ? entry.plan.parsed : undefined;
}

/** The entry for this task if it still holds at `now` for derivation code `code`; else null. */
export function readDerivedCache(paths: TaskPaths, code: string, now: number): DerivedCacheEntry | null {
  let entry: DerivedCacheEntry;
  try {
    entry = JSON.parse(
      readDataFileSync(join(paths.dir, DERIVED_CACHE_FILE), { limit: FILE_LIMITS.text }),
    ) as DerivedCacheEntry;
  } catch {
    return null; // none, unreadable or torn: derive
  }
  if (entry?.v !== 1 || entry.code !== code) return null;
  if (entry.until !== null && entry.until <= now) return null;
  if (!sameStamp(entry.events, stampOf(paths.events)) || !sameStamp(entry.task, stampOf(paths.taskJson))) return null;
  if (entry.names !== null && entry.names.join('\n') !== namesOf(paths).join('\n')) return null;
  return entry;
}

/**
 * Keeps a derivation (best effort: a cache that cannot be written only costs the next reader a
 * derivation). Not fsynced: a cache torn by a power loss reads as none. Skipped while the stamped
 * files are younger than `SETTLED_MS`.
 */
export function writeDerivedCache(
  paths: TaskPaths,
  code: string,
  inputs: DerivationInputs,
  derived: {
    task: TaskFile;
    state: TaskState;
    snapshot: TaskSnapshot;
    final: boolean;
    until: number | null;
    plan: Plan | null;
    /** Read only if the entry is kept. */
    claim: () => AttemptClaim | null;
  },
  now: number,
): void {
  const settled = (stamp: Stamp) => stamp !== null && stamp[1] <= now - SETTLED_MS;
  const { task, events } = inputs;
  if (!settled(task) || !settled(events)) return;
  const entry: DerivedCacheEntry = {
    v: 1,
    code,
    task,
    events,
    names: derived.final ? null : inputs.names,
    until: derived.until,
    // A missing plan (null stamp) is kept as missing: its appearance changes the stamp.
    plan: inputs.plan === null || settled(inputs.plan) ? { stamp: inputs.plan, parsed: derived.plan } : null,
    taskFile: derived.task,
    claim: derived.claim(),
    state: derived.state,
    context: derived.snapshot.context,
  };
  const path = join(paths.dir, DERIVED_CACHE_FILE);
  const temp = tempPathFor(path);
  try {
    writeFileSync(temp, JSON.stringify(entry), { flag: 'wx', mode: 0o600 });
    renameSync(temp, path);
  } catch {
    rmSync(temp, { force: true });
  }
}
