import { EventEmitter } from 'node:events';
import { mkdirSync, watch, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Collected, collectFacts } from '../../test/fixtures/watch/collect.js';
import { cleanupsAfterEach, waitFor, writeAtomicSync } from '../../test/fixtures/watch/helpers.js';
import { EVENT_BURST } from './scan-cadence.js';

// How often the safety-net scan lists what: with a working watcher, the full scan waits a quiet
// minute unless a burst of events may have lost some, while the tasks the watcher cannot see
// (remote) are listed every period. A minute is far longer than any wait here, so "not yet
// found" is no matter of timing.

const { defer, setup } = cleanupsAfterEach();

/** Folder watches deaf where `deaf` says: writes there are as another node's, unseen by inotify. */
const watchesDeafTo =
  (deaf: (dir: string) => boolean) => (dir: string, listener: (e: string, n: string | null) => void) =>
    deaf(dir) ? Object.assign(new EventEmitter(), { close: () => undefined }) : watch(dir, listener);

async function collect(dispatchDir: string, options: Parameters<typeof collectFacts>[1]): Promise<Collected> {
  const collected = await collectFacts(dispatchDir, options);
  defer(() => collected.source.close());
  return collected;
}

describe('createFactSource cadence', { timeout: 30_000 }, () => {
  it('lists a remote task every period; the full scan of the others waits for quietScanMs', async () => {
    const { dispatchDir, tasksDir } = setup();
    for (const id of ['far', 'near']) mkdirSync(join(tasksDir, id, 'ipc'), { recursive: true });
    const c = await collect(dispatchDir, {
      scanIntervalMs: 20,
      quietScanMs: 60_000,
      isRemote: (id) => id === 'far',
      watchFolder: watchesDeafTo((dir) => /[\\/](far|near)([\\/]|$)/.test(dir)),
    });
    expect(c.source.stats.watching).toBe(true);
    writeAtomicSync(join(tasksDir, 'near', 'ipc', '001.question'), 'here?');
    writeAtomicSync(join(tasksDir, 'far', 'ipc', '001.question'), 'there?');
    await waitFor(() => c.seen().includes('question:far:1'), 'the remote task, listed by the period');
    expect(c.seen()).not.toContain('question:near:1');
    expect(c.source.stats.scans).toBe(1); // the one at start
    await c.source.scanNow();
    expect(c.seen()).toContain('question:near:1');
  });

  it('runs the full scan soon after a burst of events that could have overflowed inotify', async () => {
    const { dispatchDir, tasksDir } = setup();
    mkdirSync(join(tasksDir, 'busy', 'ipc'), { recursive: true });
    const c = await collect(dispatchDir, {
      scanIntervalMs: 20,
      quietScanMs: 60_000,
      // ipc/ is not watched: its question is found by a full scan only.
      watchFolder: watchesDeafTo((dir) => dir.endsWith(`${sep}ipc`)),
    });
    writeAtomicSync(join(tasksDir, 'busy', 'ipc', '001.question'), 'lost in the flood?');
    // A worker's chatter in its folder: events the watcher hears, none a fact.
    for (let i = 0; i <= EVENT_BURST; i++) writeFileSync(join(tasksDir, 'busy', `chatter-${i}`), '.');
    await waitFor(() => c.seen().includes('question:busy:1'), 'the question, by the full scan after the burst');
    expect(c.source.stats.factsFromScan).toBeGreaterThan(0);
  });
});
