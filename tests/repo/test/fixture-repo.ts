// Tiny throwaway monorepos in the temp folder, so each check's self-test can show it fails on a
// known-bad layout and passes once that is fixed (a check that never fails proves nothing).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface FixtureRepo {
  root: string;
  /** Writes a file (objects as JSON), creating its folders. */
  write(path: string, content: string | object): void;
  remove(): void;
}

export function fixtureRepo(files: Record<string, string | object>): FixtureRepo {
  const root = mkdtempSync(join(tmpdir(), 'repo-checks-'));
  const write = (path: string, content: string | object): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n  - apps/*\n  - tests/*\n');
  for (const [path, content] of Object.entries(files)) write(path, content);
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}
