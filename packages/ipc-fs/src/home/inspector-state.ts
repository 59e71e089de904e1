import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../atomic-write.js';

/** What survives an inspector restart, so the printed URL keeps working and open pages reconnect. */
export interface InspectorState {
  port: number;
  token: string;
}

/** `$DISPATCH_HOME/inspector.json` (mode 0600: the token is a secret). */
export function inspectorStatePath(home: string): string {
  return join(home, 'inspector.json');
}

const TOKEN = /^[0-9a-f]{64}$/;

/** The persisted port and token, or null when none (or a damaged file) is there. */
export async function readInspectorState(home: string): Promise<InspectorState | null> {
  try {
    const value = JSON.parse(await readFile(inspectorStatePath(home), 'utf8')) as Partial<InspectorState>;
    if (typeof value.token !== 'string' || !TOKEN.test(value.token)) return null;
    const port = Number.isInteger(value.port) && value.port! > 0 && value.port! < 65536 ? value.port! : 0;
    return { port, token: value.token };
  } catch {
    return null;
  }
}

/** Saves port and token atomically, mode 0600. */
export async function writeInspectorState(home: string, state: InspectorState): Promise<void> {
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFileAtomic(inspectorStatePath(home), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}
