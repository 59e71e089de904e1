import { installHint, loginHint } from './fix-hints.js';
import type { Finding, QuotaReset } from './types.js';

const RETRY = 'retry later or with another model';

/** One human line naming the CLI, what went wrong and the fix (for a missing CLI, the PATH searched when known). */
export function describeFinding(
  cli: string,
  finding: Finding,
  reset: QuotaReset | null,
  searched: string | null = null,
): string {
  const detail = finding.detail;
  switch (finding.signature) {
    case 'root-refusal':
      // Setting IS_SANDBOX ourselves would silently lift a safety check the user never lifted.
      return `${cli}: refuses --dangerously-skip-permissions when run as root — if this machine is a sandbox, set IS_SANDBOX=1 in the environment you run dispatch from; otherwise run dispatch as a normal user`;
    case 'not-found':
      return `${cli}: command not found${searched === null ? '' : ` on PATH=${searched}`} — ${installHint(cli)}`;
    case 'not-executable':
      return `${cli}: cannot be run (${detail}) — check that it is executable, or retry with another model`;
    case 'credit':
      return `${cli}: the account cannot pay for this (${detail}) — add credits or upgrade the plan, or retry with another model`;
    case 'subscription':
      return `${cli}: this model needs another plan (${detail}) — retry with a model your plan includes`;
    case 'not-logged-in':
      return `${cli}: not logged in (${detail}) — ${loginHint(cli)}`;
  }
  switch (finding.kind) {
    case 'auth':
      return `${cli}: authentication failed (${detail}) — ${loginHint(cli)}`;
    case 'quota':
      return `${cli}: rate or usage limit reached (${detail})${reset ? `; resets ${reset.text}` : ''} — ${RETRY}`;
    case 'model-unavailable':
      return `${cli}: the model is not available (${detail}) — retry with another model, or check its name in the config`;
    case 'network':
      return finding.signature === 'server-error'
        ? `${cli}: the model API had a server error (${detail}) — ${RETRY}`
        : `${cli}: cannot reach the model API (${detail}) — check the network, proxy or base URL`;
    default:
      return `${cli}: ${detail}`;
  }
}
