import type { ExitKind } from './types.js';

/** One way a CLI says why it failed: a pattern on one line of its output. */
export interface Signature {
  name: string;
  kind: ExitKind;
  pattern: RegExp;
}

/**
 * What the real CLIs print (see test/fixtures/cli-output), most specific first: when one line
 * matches several, the first wins — "Reconnecting... 5/5 (unexpected status 401 …)" is an auth
 * failure, not a network one, and "not allowed to access this model" is the model, not the key.
 */
export const SIGNATURES: readonly Signature[] = [
  // sh: "sh: 1: codex: not found"; bash/zsh: "codex: command not found"; env: "env: ‘claude’: No such file or directory".
  {
    name: 'not-found',
    kind: 'cli-missing',
    pattern: /(?:^|:\s)[\w.@/+-]+: (?:command )?not found\s*$|^env: \S+: No such file or directory|spawn \S+ ENOENT/i,
  },
  { name: 'root-refusal', kind: 'auth', pattern: /--dangerously-skip-permissions cannot be used with root/i },
  { name: 'credit', kind: 'auth', pattern: /credit balance is too low|insufficient_quota|billing/i },
  {
    name: 'subscription',
    kind: 'auth',
    pattern:
      /(?:requires?|need)s? (?:an? )?(?:upgraded?|higher|paid|pro|max) (?:subscription|plan)|upgrade your (?:plan|subscription)|not available (?:on|with) your (?:plan|subscription)/i,
  },
  {
    name: 'model',
    kind: 'model-unavailable',
    pattern:
      /issue with the selected model|ModelNotFoundError|model_not_found|not_found_error|model[`'"\s:]+[^\s`'"]*[`'"]? (?:does not exist|is not found|not found|is not supported)|not allowed to access this model|(?:unknown|invalid|unsupported) model|no access to (?:the )?model/i,
  },
  {
    name: 'rate-limit',
    kind: 'quota',
    pattern:
      /\b429\b|rate.?limit|too many requests|RESOURCE_EXHAUSTED|resource has been exhausted|usage limit|hit your limit|quota exceeded|exceeded your (?:current )?quota/i,
  },
  {
    name: 'not-logged-in',
    kind: 'auth',
    pattern:
      /not logged in|please run \/login|please log ?in|login required|Please set an Auth method|Invalid auth method selected|must specify the GEMINI_API_KEY/i,
  },
  {
    name: 'invalid-key',
    kind: 'auth',
    pattern:
      /invalid (?:x-)?api.?key|incorrect api key|api key not valid|API_KEY_INVALID|authentication_error|authentication failed|unauthorized|\b401\b|\b403\b|forbidden|PERMISSION_DENIED|permission_error|OAuth token (?:has )?expired/i,
  },
  {
    name: 'server-error',
    kind: 'network',
    pattern:
      /API Error: 5\d\d|\b5\d\d (?:Internal|Overloaded|Service Unavailable|Bad Gateway)|overloaded_error|high demand/i,
  },
  {
    name: 'unreachable',
    kind: 'network',
    pattern:
      /ECONNREFUSED|ConnectionRefused|Connection refused|ENOTFOUND|EAI_AGAIN|Name does not resolve|Unable to connect to API|waiting for network|fetch failed|ETIMEDOUT|ECONNRESET|socket hang up|network (?:error|is unreachable)/i,
  },
];

/** The first signature one line matches, or null. */
export function matchSignature(line: string): Signature | null {
  return SIGNATURES.find((s) => s.pattern.test(line)) ?? null;
}
