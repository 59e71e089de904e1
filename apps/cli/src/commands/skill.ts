import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findGitTop, writeFileAtomic } from '@dispatch/ipc-fs';
import type { CommandContext } from '../command-spec.js';
import { printJson } from '../json-output.js';

/**
 * SKILL.md, the host-agent skill: `skills/dispatch/` at the repository's root, which the CLI's
 * build copies to `dist/skills/dispatch/` beside the bundle (dist/full.js).
 */
function skillText(): string {
  for (const candidate of ['./skills/dispatch/SKILL.md', '../../../../skills/dispatch/SKILL.md']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error('skills/dispatch/SKILL.md is missing from this installation');
}

/**
 * Where host agents look for skills (the Agent Skills format): Claude Code in `.claude/skills/`,
 * Codex in `.agents/skills/` — in the home folder, or with `--project` in the repository.
 */
function targets(ctx: CommandContext): { agent: string; path: string }[] {
  const root = ctx.options.project === true ? (findGitTop(ctx.io.cwd) ?? ctx.io.cwd) : (ctx.io.env.HOME ?? homedir());
  return [
    { agent: 'claude-code', path: join(root, '.claude', 'skills', 'dispatch', 'SKILL.md') },
    { agent: 'codex', path: join(root, '.agents', 'skills', 'dispatch', 'SKILL.md') },
  ];
}

/** `dispatch skill show`: SKILL.md on stdout. */
export async function show(ctx: CommandContext): Promise<void> {
  ctx.io.out(skillText());
}

/** `dispatch skill install [--project]`: SKILL.md where Claude Code and Codex find it. */
export async function install(ctx: CommandContext): Promise<void> {
  const text = skillText();
  const written = [];
  for (const target of targets(ctx)) {
    await mkdir(dirname(target.path), { recursive: true });
    await writeFileAtomic(target.path, text);
    written.push(target);
  }
  if (ctx.options.json === true) printJson(ctx.io, written);
  else ctx.io.out(written.map((t) => `installed for ${t.agent}: ${t.path}`).join('\n') + '\n');
}
