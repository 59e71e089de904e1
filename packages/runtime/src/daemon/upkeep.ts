import { accepts } from '@dispatch/core';
import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { capWorkerLog, STRUCTURED_BACKENDS, WORKER_LOG_MAX_BYTES } from '@dispatch/backends';
import { cleanStaleTemps, findStaleTemps, listFolder, type ListingMemo } from '@dispatch/ipc-fs';
import type { TaskHost } from '../host/task-host.js';
import { classifyStuckWorker } from '../worker/classify-exit.js';
import { LogActivity } from '../worker/log-activity.js';

/** How old a temp file must be before the daemon takes it for a killed writer's and removes it. */
const TEMP_MAX_AGE_MS = 50_000;

const mtime = (path: string) =>
  stat(path).then(
    (s) => s.mtimeMs,
    () => 0,
  );

/** Keeps the logs of running workers under their cap. */
export async function capWorkerLogs(hosts: readonly TaskHost[], onError: (err: unknown) => void): Promise<void> {
  for (const h of hosts) {
    if (!h.snapshot.hasTag('worker')) continue;
    // A sync stat first: microseconds, where most logs are far below the cap.
    const size = statSync(h.paths.workerLog, { throwIfNoEntry: false })?.size ?? 0;
    if (size > WORKER_LOG_MAX_BYTES) await capWorkerLog(h.paths.workerLog).catch(onError);
  }
}

/**
 * Removes the temp files killed writers left in the tasks' folders (a `dispatch answer` killed
 * between writing and publishing, a worker killed mid-write) once they are 50 s old — so none is
 * ever older than a minute while a daemon runs.
 */
export class TempSweeper {
  /** The task folders as last listed: one stat per folder when it has not changed (most hold no temp). */
  private readonly memo: ListingMemo = new Map();

  /** Sweeps these tasks' folders once; returns the ids of those where younger temps remain (to sweep again). */
  async sweep(hosts: readonly TaskHost[], onError: (err: unknown) => void): Promise<string[]> {
    const left: string[] = [];
    for (const h of hosts) {
      const dirs = [h.paths.dir, h.paths.ipc, h.paths.attempts, h.paths.requests];
      if (await this.sweepDirs(dirs, onError)) left.push(h.paths.id);
    }
    return left;
  }

  /** Sweeps these folders once (`$DISPATCH_HOME` and its registry too: a daemon killed mid-write leaves temps there). */
  async sweepDirs(dirs: readonly string[], onError: (err: unknown) => void): Promise<boolean> {
    let left = false;
    for (const dir of dirs) {
      if (!(await this.hasTempName(dir))) continue;
      const temps = await findStaleTemps(dir, 0).catch(() => []);
      const removed = await cleanStaleTemps(dir, TEMP_MAX_AGE_MS).catch((err: unknown) => (onError(err), []));
      if (removed.length < temps.length) left = true;
    }
    return left;
  }

  private async hasTempName(dir: string): Promise<boolean> {
    try {
      return (await listFolder(dir, this.memo)).some((e) => e.name.endsWith('.tmp'));
    } catch {
      return false;
    }
  }
}

/**
 * Fails, and stops, a running worker that has shown no sign of life — no plan change, no output —
 * for `stallMs`. Not while it waits for an answer: waiting is its job then (the machine accepts
 * `worker.stalled` only while running). A task is looked at again only when it could be due:
 * at its last sign of life plus `stallMs` (a structured backend's every `everyMs`, as its events
 * are timed by when they are read), or after it changed state (`forget`).
 */
export class StallWatch {
  private readonly activity = new Map<string, LogActivity>();
  /** When each task is worth looking at again. */
  private readonly dueAt = new Map<string, number>();

  /** The task changed state: look at it again at the next check. */
  forget(id: string): void {
    this.dueAt.delete(id);
  }

  async check(
    hosts: readonly TaskHost[],
    backendOf: (host: TaskHost) => string | null,
    stallMs: number,
    everyMs: number,
    now = Date.now(),
  ): Promise<void> {
    for (const h of hosts) {
      const id = h.paths.id;
      if ((this.dueAt.get(id) ?? 0) > now) continue;
      const probe = { type: 'worker.stalled', message: '', cause: null, at: now } as const;
      if (!accepts(h.snapshot, probe)) {
        this.dueAt.set(id, Number.POSITIVE_INFINITY); // until it changes state
        continue;
      }
      // A CLI with structured output shows progress by its events; raw output (codex's endless
      // "Reconnecting...") is no sign of life then. Others: any output counts.
      const backend = backendOf(h);
      const structured = backend !== null && STRUCTURED_BACKENDS.has(backend);
      const activity = structured ? await this.activityOf(h).lastEvent(now) : await mtime(h.paths.workerLog);
      const since = Math.max(h.snapshot.context.startedAt ?? 0, await mtime(h.paths.plan), activity ?? 0);
      if (now - since <= stallMs) {
        this.dueAt.set(id, structured ? Math.min(now + everyMs, since + stallMs + 1) : since + stallMs + 1);
        continue;
      }
      const minutes = Math.round(stallMs / 60_000);
      const what = structured ? 'no plan change and no worker activity' : 'no plan change and no worker output';
      const message = `${what} for ${minutes >= 1 ? `${minutes} min` : `${stallMs} ms`}`;
      const cause = await classifyStuckWorker(h.paths, h.snapshot.context.attempt, new Date(now));
      h.send({ type: 'worker.stalled', message, cause, at: now });
    }
  }

  private activityOf(host: TaskHost): LogActivity {
    let tracker = this.activity.get(host.paths.id);
    if (!tracker) this.activity.set(host.paths.id, (tracker = new LogActivity(host.paths.workerLog)));
    return tracker;
  }
}
