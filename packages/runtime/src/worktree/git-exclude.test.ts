import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { excludeFromGit } from './git-exclude.js';

describe('excludeFromGit', () => {
  it('adds .dispatch/ to .git/info/exclude once, creating info/ in an existing .git', async () => {
    const top = mkdtempSync(join(tmpdir(), 'dispatch-exclude-'));
    mkdirSync(join(top, '.git'));
    writeFileSync(join(top, '.git', 'HEAD'), 'ref: refs/heads/main\n'); // a repository, as git sees one
    await excludeFromGit(join(top, '.dispatch'));
    await excludeFromGit(join(top, '.dispatch'));
    expect(readFileSync(join(top, '.git', 'info', 'exclude'), 'utf8')).toBe('.dispatch/\n');
  });

  it('never creates .git itself: a .git that vanished after it was found stays gone', async () => {
    const top = mkdtempSync(join(tmpdir(), 'dispatch-exclude-'));
    mkdirSync(join(top, '.git'));
    writeFileSync(join(top, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const found = excludeFromGit(join(top, 'sub', '.dispatch'));
    rmSync(join(top, '.git'), { recursive: true }); // gone between finding the top and writing
    await found;
    expect(existsSync(join(top, '.git'))).toBe(false);
  });
});
