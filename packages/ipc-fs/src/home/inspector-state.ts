import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';
import { FILE_LIMITS, readDataFile } from '../safe-read.js';

/**
 * The running inspector, for the next `inspect` to find without asking the network (a request
 * to the saved port would hand the token to whoever holds that port now): its port, its token
 * (fresh each start) and its process (pid and start time).
 */
export interface InspectorState {
  port: number;
  token: string;
  pid: number;
  startTime: string;
}

/** `$DISPATCH_HOME/inspector.json` (mode 0600: the token is a secret). */
export function inspectorStatePath(home: string): string {
  return join(home, 'inspector.json');
}

const TOKEN = /^[0-9a-f]{64}$/;

/** The saved inspector, or null when none (or a damaged file) is there. */
export async function readInspectorState(home: string): Promise<InspectorState | null> {
  try {
    const value = JSON.parse(
      await readDataFile(inspectorStatePath(home), { limit: FILE_LIMITS.record }),
    ) as Partial<InspectorState>;
    if (typeof value.token !== 'string' || !TOKEN.test(value.token)) return null;
    const port = Number.isInteger(value.port) && value.port! > 0 && value.port! < 65536 ? value.port! : 0;
    const pid = Number.isInteger(value.pid) && value.pid! > 1 ? value.pid! : 0;
    const startTime = typeof value.startTime === 'string' ? value.startTime : '';
    return { port, token: value.token, pid, startTime };
  } catch {
    return null;
  }
}

/** Saves the inspector atomically, mode 0600. */
export async function writeInspectorState(home: string, state: InspectorState): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFileAtomic(inspectorStatePath(home), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}
