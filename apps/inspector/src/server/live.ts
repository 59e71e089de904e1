import { watch, type FSWatcher } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { createFactSource, type FactSource, isTempName, taskPaths } from '@dispatch/ipc-fs';

/** A change the page hears of: a task of a workspace may look different now. */
export interface Change {
  ws: string;
  id: string;
}

const COALESCE_MS = 15;
const HEARTBEAT_MS = 15_000;

/**
 * Follows workspaces and pushes changes to the pages as server-sent events. The fact source
 * reports protocol files (plan, ipc/, exit records, requests, new tasks); a plain directory watch
 * per task folder adds what is no fact (events.jsonl, worker.log). Changes of one task within
 * `COALESCE_MS` go out once.
 */
export class LiveChanges {
  private readonly clients = new Set<ServerResponse>();
  private readonly sources = new Map<string, Promise<FactSource>>();
  private readonly folders = new Map<string, FSWatcher>();
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor() {
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Starts following a workspace (once). */
  follow(ws: string, dispatchDir: string): void {
    if (this.closed || this.sources.has(ws)) return;
    const onError = () => undefined;
    const source = createFactSource({
      dispatchDir,
      onError,
      onFact: (fact) => {
        if (fact.type === 'task') this.watchFolder(ws, dispatchDir, fact.taskId);
        this.changed({ ws, id: fact.taskId });
      },
    });
    source.catch(onError);
    this.sources.set(ws, source);
  }

  private watchFolder(ws: string, dispatchDir: string, id: string): void {
    const key = `${ws}/${id}`;
    if (this.closed || this.folders.has(key)) return;
    try {
      const watcher = watch(taskPaths(dispatchDir, id).dir, (_event, name) => {
        if (name === null || !isTempName(name)) this.changed({ ws, id });
      });
      watcher.on('error', () => {
        watcher.close();
        this.folders.delete(key);
      });
      this.folders.set(key, watcher);
    } catch {
      // gone, or out of watches: the fact source's scans still report the task
    }
  }

  /** Tells every page that a task changed (coalesced per task). */
  changed(change: Change): void {
    const key = `${change.ws}/${change.id}`;
    if (this.closed || this.pending.has(key)) return;
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      this.broadcast(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
    }, COALESCE_MS));
  }

  /** Serves one page's event stream until it goes away. */
  attach(res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\nevent: hello\ndata: {}\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private broadcast(text: string): void {
    for (const res of this.clients) res.write(text);
  }

  /** Stops every watch and ends every stream. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const t of this.pending.values()) clearTimeout(t);
    for (const w of this.folders.values()) w.close();
    for (const res of this.clients) res.end();
    this.clients.clear();
    await Promise.all([...this.sources.values()].map((s) => s.then((x) => x.close(), () => undefined)));
  }
}
