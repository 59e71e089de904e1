import type { ServerResponse } from 'node:http';
import { watchChanges, type ChangeWatch } from '@dispatch/runtime/watch';

/** A change the page hears of: a task of a workspace may look different now. */
export interface Change {
  ws: string;
  id: string;
}

const HEARTBEAT_MS = 15_000;

/**
 * Follows workspaces and pushes changes to the pages as server-sent events, through the runtime's
 * one change watcher (the one `status --watch` and `wait` use): its facts (plan, ipc/, exit
 * records, requests, new tasks) and writes in task folders (events.jsonl, worker.log, which are no
 * facts), coalesced per task.
 */
export class LiveChanges {
  private readonly clients = new Set<ServerResponse>();
  private readonly watches = new Map<string, Promise<ChangeWatch | null>>();
  private readonly heartbeat: NodeJS.Timeout;
  private closed = false;

  constructor() {
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Starts following a workspace (once). */
  follow(ws: string, dispatchDir: string): void {
    if (this.closed || this.watches.has(ws)) return;
    const onChange = (ids: ReadonlySet<string>) => {
      for (const id of ids) this.changed({ ws, id });
    };
    // Every file counts (the page streams worker.log); no safety re-check: the page re-reads on its own.
    const watch = watchChanges(dispatchDir, onChange, { include: () => true, intervalMs: 0 }).catch(() => null);
    this.watches.set(ws, watch);
  }

  /** Tells every page that a task changed. */
  changed(change: Change): void {
    if (this.closed) return;
    this.broadcast(`event: change\ndata: ${JSON.stringify(change)}\n\n`);
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
    for (const res of this.clients) res.end();
    this.clients.clear();
    await Promise.all([...this.watches.values()].map((w) => w.then((x) => x?.close())));
  }
}
