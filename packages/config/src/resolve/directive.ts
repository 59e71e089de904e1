import { ID_CHARS, clauseBefore, escapeRegExp, isDirectiveAt, isModelLike } from './directive-text.js';

/** A name found in a prompt, and where it starts. */
export interface DirectiveMatch {
  /** The name as configured (or, for an unknown model, as written in the prompt). */
  name: string;
  index: number;
}

// A name ends where the id ends; a trailing `.` or `:` is punctuation ("use opus.", "opus: go").
const NAME_END = `(?=[.:]*(?![${ID_CHARS}]))`;
const TOKEN = new RegExp(`(?<![${ID_CHARS}])[A-Za-z0-9][${ID_CHARS}]*`, 'g');

/**
 * The last configured model or alias named in a directive of the prompt — "use X", "using X",
 * "with X", "have X", "ask X to", or "X:" at the very start — case-insensitively, or null. A name
 * merely mentioned ("review the codex backend", "compare opus and sonnet") is no directive, and a
 * name never matches inside a longer id (`opus` in `opus-4.5`): the longest name at a position wins.
 * @example findModelDirective('use opus to review, then use sonnet', ['opus', 'sonnet'])
 * // { name: 'sonnet', index: 30 }
 */
export function findModelDirective(prompt: string, names: readonly string[]): DirectiveMatch | null {
  const byLower = new Map<string, string>();
  for (const name of names)
    if (name.trim() !== '' && !byLower.has(name.toLowerCase())) byLower.set(name.toLowerCase(), name);
  if (byLower.size === 0) return null;
  // The end boundary makes the longest name at a position win: `opus` cannot end inside `opus-4.5`.
  const alternatives = [...byLower.values()].map(escapeRegExp).join('|');
  const pattern = new RegExp(`(?<![${ID_CHARS}])(?:${alternatives})${NAME_END}`, 'gi');
  let found: DirectiveMatch | null = null;
  for (const match of prompt.matchAll(pattern)) {
    if (!isDirectiveAt(prompt, match.index, match[0].length)) continue;
    found = { name: byLower.get(match[0].toLowerCase()) ?? match[0], index: match.index };
  }
  return found;
}

/**
 * The model id the prompt's last directive names when it is not configured (`use gpt-5.4 to …`),
 * so the CLI can offer to add it; null when the last directive names a configured model or alias,
 * or names nothing that looks like a model (`use a worktree`, `with care`, `use python3`). The id is
 * returned as written.
 * @example findUnknownModelDirective('use gpt-5.4 to draft it', ['opus', 'sonnet']) // { name: 'gpt-5.4', index: 4 }
 */
export function findUnknownModelDirective(prompt: string, knownNames: readonly string[]): DirectiveMatch | null {
  const known = new Set(knownNames.map((name) => name.toLowerCase()));
  let unknown: DirectiveMatch | null = null;
  for (const match of prompt.matchAll(TOKEN)) {
    const token = match[0].replace(/[.:]+$/, '');
    if (known.has(token.toLowerCase()) || !isModelLike(token)) continue;
    if (isDirectiveAt(prompt, match.index, token.length)) unknown = { name: token, index: match.index };
  }
  if (unknown === null) return null;
  const last = findModelDirective(prompt, knownNames);
  return last !== null && last.index > unknown.index ? null : unknown;
}

const WORKTREE =
  /(?<![A-Za-z0-9_'’-])(?:in|into|inside|use|using|with)\s+(?:(?:a|an|its|their|your|own|separate|new|fresh|dedicated|isolated|git|clean|temporary|temp)\s+){1,3}worktrees?(?!\.?[A-Za-z0-9_'’-])/gi;
const WORKTREE_NEGATED = /(?<![A-Za-z0-9_'’-])(?:don['’]?t|do\s+not|never|not|no\s+need\s+to|without)\s+(?:\w+\s+)?$/i;
// A worktree named in a question or a condition is the subject, not where to work:
// "why does the build fail in a worktree?", "explain how to use a worktree".
const WORKTREE_SUBJECT =
  /\b(?:when|while|if|whether|why|how|what|explain\w*|describ\w*|fail\w*|break\w*|broken|crash\w*|happen\w*)\b/i;

/**
 * Whether the prompt asks for the work to happen in a git worktree: "in a worktree", "use a
 * worktree", "using a worktree", "in a separate worktree". A worktree talked about ("explain what
 * a worktree is", "the worktree code", "fix tests that fail in a worktree") or refused ("don't
 * use a worktree") is not.
 * @example findWorktreeDirective('refactor the parser in a worktree') // true
 */
export function findWorktreeDirective(prompt: string): boolean {
  // Most prompts never say it: spare them compiling WORKTREE (a large pattern, compiled on first use).
  if (!/worktree/i.test(prompt)) return false;
  for (const match of prompt.matchAll(WORKTREE)) {
    const clause = clauseBefore(prompt, match.index);
    if (WORKTREE_NEGATED.test(clause) || WORKTREE_SUBJECT.test(clause)) continue;
    return true;
  }
  return false;
}
