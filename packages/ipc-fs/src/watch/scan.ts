import { lstatSync, statSync } from 'node:fs';
import { isErrno } from '../errors.js';
import { listFolder, type ListingMemo } from '../folder-listing.js';
import { type TaskPaths, taskPaths } from '../paths.js';
import { isRequestName } from '../requests.js';
import { listTaskIds } from '../task-folder.js';
import { type Fact, isSkippedName, parseExitName, parseIpcName } from './facts.js';

export type { ListingMemo };

/** The parts of a task folder that are listed separately (one readdir or stat each). */
export type Area = 'plan' | 'ipc' | 'attempts' | 'requests';

/** Every area, in the order their facts are delivered. */
export const AREAS: readonly Area[] = ['plan', 'ipc', 'attempts', 'requests'];

/**
 * One version of plan.md. `ino` tells apart two rename-saves within the same mtime and size;
 * `ctimeMs` two same-size saves in place whose mtime was set back (ctime cannot be set).
 */
export interface PlanVersion {
  mtimeMs: number;
  ctimeMs: number;
  size: number;
  ino: number;
}

/** What one listing of a task found; an area left undefined was not listed this time. */
export interface TaskListing {
  /** null when plan.md does not exist. */
  plan?: PlanVersion | null;
  ipc?: { questions: number[]; answers: number[]; acks: number[]; workerDone: boolean };
  exits?: number[];
  requests?: string[];
}

/** Entry names of `dir` that are not directories (from `memo` while it has not changed); a missing directory is empty. */
async function fileNames(dir: string, memo?: ListingMemo): Promise<string[]> {
  try {
    return (await listFolder(dir, memo)).filter((e) => !e.isDirectory && !isSkippedName(e.name)).map((e) => e.name);
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return [];
    throw err;
  }
}

async function planVersion(file: string): Promise<PlanVersion | null> {
  try {
    const s = statSync(file); // sync: cheaper than a thread-pool trip, and the scan does many
    return s.isFile() ? { mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, size: s.size, ino: s.ino } : null;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return null;
    throw err;
  }
}

const ascending = (a: number, b: number): number => a - b;

function parseIpc(names: string[]): NonNullable<TaskListing['ipc']> {
  const ipc = { questions: [] as number[], answers: [] as number[], acks: [] as number[], workerDone: false };
  const lists = { question: ipc.questions, answer: ipc.answers, ack: ipc.acks };
  for (const name of names) {
    const parsed = parseIpcName(name);
    if (!parsed) continue;
    if (parsed.type === 'worker-done') ipc.workerDone = true;
    else lists[parsed.type].push(parsed.seq);
  }
  for (const list of Object.values(lists)) list.sort(ascending);
  return ipc;
}

/**
 * Lists the given areas of a task (paths from `taskPaths`): one readdir (or, for plan.md, one
 * stat) per area, run in parallel; with a `memo`, a folder unchanged since it was last listed
 * costs one stat. Missing folders are empty, never an error.
 */
export async function listTask(
  paths: TaskPaths,
  areas: Iterable<Area> = AREAS,
  memo?: ListingMemo,
): Promise<TaskListing> {
  const listing: TaskListing = {};
  const jobs: Promise<void>[] = [];
  for (const area of new Set(areas)) {
    if (area === 'plan') jobs.push(planVersion(paths.plan).then((v) => void (listing.plan = v)));
    if (area === 'ipc') jobs.push(fileNames(paths.ipc, memo).then((n) => void (listing.ipc = parseIpc(n))));
    if (area === 'attempts') {
      const exits = (names: string[]) =>
        names
          .map(parseExitName)
          .filter((n) => n !== undefined)
          .sort(ascending);
      jobs.push(fileNames(paths.attempts, memo).then((n) => void (listing.exits = exits(n))));
    }
    if (area === 'requests') {
      jobs.push(fileNames(paths.requests, memo).then((n) => void (listing.requests = n.filter(isRequestName).sort())));
    }
  }
  await Promise.all(jobs);
  return listing;
}

/**
 * The facts a listing shows, in the stable delivery order: plan, then per seq ascending its
 * question, answer and ack (the order they happen in), then worker-done, exits, requests.
 */
export function listingFacts(taskId: string, listing: TaskListing): Fact[] {
  const facts: Fact[] = [];
  if (listing.plan) facts.push({ type: 'plan', taskId, mtimeMs: listing.plan.mtimeMs, size: listing.plan.size });
  const ipc = listing.ipc;
  if (ipc) {
    const q = new Set(ipc.questions);
    const a = new Set(ipc.answers);
    const k = new Set(ipc.acks);
    const seqs = [...new Set([...ipc.questions, ...ipc.answers, ...ipc.acks])].sort(ascending);
    for (const seq of seqs) {
      if (q.has(seq)) facts.push({ type: 'question', taskId, seq });
      if (a.has(seq)) facts.push({ type: 'answer', taskId, seq });
      if (k.has(seq)) facts.push({ type: 'ack', taskId, seq });
    }
    if (ipc.workerDone) facts.push({ type: 'worker-done', taskId });
  }
  for (const attempt of listing.exits ?? []) facts.push({ type: 'exit', taskId, attempt });
  for (const name of listing.requests ?? []) facts.push({ type: 'request', taskId, name });
  return facts;
}

/**
 * Identity of a folder (inode and birth time), or undefined when it is not a directory: a task
 * folder deleted and re-created under the same id is a new task. A symlink is not followed
 * unless `followSymlink`: a committed `tasks/x -> /elsewhere` must not become a task whose
 * answers the daemon writes outside the workspace.
 */
export async function dirIdentity(dir: string, followSymlink = false): Promise<string | undefined> {
  try {
    const s = followSymlink ? statSync(dir) : lstatSync(dir);
    return s.isDirectory() ? `${s.ino}:${s.birthtimeMs}` : undefined;
  } catch (err) {
    if (isErrno(err, 'ENOENT') || isErrno(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/**
 * Every fact visible on disk right now, without any dedupe: per task (by id) a `task` fact,
 * then its facts in delivery order. The fact source's periodic scan is built from the same parts.
 * @example const questions = (await scanTasks('/repo/.dispatch')).filter((f) => f.type === 'question')
 */
export async function scanTasks(dispatchDir: string): Promise<Fact[]> {
  const ids = await listTaskIds(dispatchDir);
  const perTask = await Promise.all(
    ids.map(async (taskId): Promise<Fact[]> => {
      const paths = taskPaths(dispatchDir, taskId);
      if ((await dirIdentity(paths.dir)) === undefined) return [];
      return [{ type: 'task', taskId }, ...listingFacts(taskId, await listTask(paths))];
    }),
  );
  return perTask.flat();
}
