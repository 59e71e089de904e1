import { modelFamily } from '../discover/model-family.js';

/** The characters of a model id (DESIGN.md's worker contract); a name never matches inside them. */
export const ID_CHARS = 'A-Za-z0-9._:/@+\\-';

const KEYWORD = /(?<![A-Za-z0-9_'’-])(use|using|with|have|ask)\s+["'`*“‘]?$/i;
const NEGATED = /(?<![A-Za-z0-9_'’-])(?:don['’]?t|do\s+not|never|not|no\s+need\s+to)\s+$/i;
// "I have opus configured" states a fact; "have opus review it" is a request.
const HAVE_SUBJECT = /(?<![A-Za-z0-9_'’-])(?:i|we|they|i['’]d|we['’]d)\s+$/i;
// "replace opus with sonnet", "compare opus with sonnet": both names are the subject matter.
const WITH_OBJECT = /\b(?:replac\w*|compar\w*|swap\w*|combin\w*|pair\w*|along|together|between)\b/i;
const ASK_TO = /^["'`*”’]?,?\s+to\b/i;
// "with the sonnet parser", "using codex backend": the name modifies a noun, it picks no model.
const MENTION_NOUN =
  /^["'`*”’]?\s+(?:backends?|parsers?|cli|integrations?|adapters?|config|configuration|support|code|modules?|plugins?|providers?|outputs?|tests?|docs?|files?|fix(?:es)?|bugs?|api|sdk)\b/i;
const LEADING_COLON = /^:(?:\s|$)/;

/** The clause of `text` that ends at `index`: what follows the last `. ; : ! ? ,` or newline. */
export function clauseBefore(text: string, index: number): string {
  const before = text.slice(0, index);
  const cut = Math.max(...[...'.;:!?,\n'].map((mark) => before.lastIndexOf(mark)));
  return before.slice(cut + 1);
}

/**
 * Whether the name at `index` (length `length`) of `prompt` is the object of a directive: "use X",
 * "using X", "with X", "have X", "ask X to", or "X:" at the very start, not negated ("don't use
 * X") and not a mention ("replace X with Y", "with X backend").
 */
export function isDirectiveAt(prompt: string, index: number, length: number): boolean {
  // A directive's words are next to the name: a window keeps long prompts linear.
  const before = prompt.slice(Math.max(0, index - 120), index);
  const after = prompt.slice(index + length, index + length + 80);
  if (LEADING_COLON.test(after) && prompt.slice(0, index).trim() === '') return true;
  const keyword = KEYWORD.exec(before);
  if (keyword === null) return false;
  const word = (keyword[1] ?? '').toLowerCase();
  const lead = before.slice(0, keyword.index);
  if (NEGATED.test(lead)) return false;
  if (MENTION_NOUN.test(after)) return false;
  if (word === 'ask') return ASK_TO.test(after);
  if (word === 'have') return !HAVE_SUBJECT.test(lead);
  if (word === 'with') return !WITH_OBJECT.test(clauseBefore(prompt, index));
  return true;
}

// Vendor and CLI names alone name no model ("use codex" means the backend, not an id).
const BARE_VENDOR = /^(?:claude|codex|gemini|gpt|cursor|opencode|openai|anthropic|google|agent)$/i;
const OTHER_FAMILY = /(?:^|[^a-z])(?:grok|llama|deepseek|qwen|mistral|kimi|glm|composer)(?![a-z])/i;

/** Whether a word looks like a model id: it names a known model family and is not a bare vendor. */
export function isModelLike(token: string): boolean {
  if (BARE_VENDOR.test(token)) return false;
  return modelFamily(token) !== 'other' || OTHER_FAMILY.test(token);
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
