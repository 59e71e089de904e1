/** The provider family a model id belongs to, as the reference's routing rules read ids. */
export type ModelFamily = 'claude' | 'openai' | 'gemini' | 'other';

// Family words are matched as whole segments of an id (`claude-opus-4.5`, `anthropic/claude-opus`),
// so `opusplan` (a Claude CLI mode, passed as is) is not taken for `opus`.
const CLAUDE_FAMILY = /(?:^|[^a-z])(opus|sonnet|haiku)(?![a-z])/i;
const OPENAI_FAMILY = /(?:^|[^a-z])(?:gpt|codex)(?![a-z])|(?:^|[^a-z0-9])o[134](?![a-z0-9])/i;
const GEMINI_FAMILY = /(?:^|[^a-z])gemini(?![a-z])/i;

/** Strong ids each provider's own CLI accepts (versions included), for adding a missing model. */
const CLAUDE_ID = /^(?:claude-)?(?:\d+(?:[.-]\d+)*-)?(?:opus|sonnet|haiku)(?:-\d+(?:[.-]\d+)*)?$/i;
const OPENAI_ID = /^(?:gpt-\d[a-z0-9.-]*|o[134](?:-[a-z0-9.-]+)?|codex-[a-z0-9.-]+)$/i;
const GEMINI_ID = /^gemini-\d[a-z0-9.-]*$/i;
const PROVIDER_ID = /^[a-z0-9][a-z0-9._-]*\/[a-z0-9][a-z0-9._:@+-]*$/i;

/**
 * The Claude family (`opus`, `sonnet`, `haiku`) an id belongs to, lowercased, or null.
 * @example claudeFamily('claude-opus-4.5') // 'opus'
 */
export function claudeFamily(id: string): 'opus' | 'sonnet' | 'haiku' | null {
  const match = CLAUDE_FAMILY.exec(id);
  return match?.[1] === undefined ? null : (match[1].toLowerCase() as 'opus' | 'sonnet' | 'haiku');
}

/** Which family an id's words point at: opus/sonnet/haiku, then gpt/codex/o1/o3/o4, then gemini. */
export function modelFamily(id: string): ModelFamily {
  if (CLAUDE_FAMILY.test(id)) return 'claude';
  if (OPENAI_FAMILY.test(id)) return 'openai';
  if (GEMINI_FAMILY.test(id)) return 'gemini';
  return 'other';
}

/** Whether an id has opencode's `provider/model` shape (`anthropic/claude-opus-4.5`). */
export function isProviderId(id: string): boolean {
  return PROVIDER_ID.test(id);
}

/** Whether a provider's own CLI takes this id (bare or versioned), not just a word of its family. */
export function isStrictFamilyId(family: Exclude<ModelFamily, 'other'>, id: string): boolean {
  if (family === 'claude') return CLAUDE_ID.test(id);
  if (family === 'openai') return OPENAI_ID.test(id);
  return GEMINI_ID.test(id);
}
