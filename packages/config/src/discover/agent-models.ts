/** One model listed by Cursor's `agent models`. */
export interface AgentModel {
  id: string;
  /** The display name, markers removed. */
  name: string;
  /** Marked `(current)`: the model the CLI uses now. */
  current: boolean;
  /** Marked `(default)`. */
  default: boolean;
}

// CSI (colours, cursor moves) and OSC (titles, hyperlinks) escape sequences.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;
// `<id> - <Display Name>`, tolerating a bullet or pointer before the id and any dash kind between.
const LINE = /^\s*(?:[-*•>→✓]\s+)?([A-Za-z0-9][A-Za-z0-9._:/@+-]*)\s+[-–—]\s+(.+?)\s*$/;
const MARKERS = /\s*[([]\s*((?:current|default)(?:\s*[,/&]\s*(?:current|default))*)\s*[)\]]\s*$/i;

/**
 * Parses the output of Cursor's `agent models`: one `<id> - <Display Name>` line per model,
 * sometimes with `(current)`/`(default)` markers. Headers, tips, blank lines, ANSI colour codes,
 * CRLF line ends and spinner redraws are skipped; an id listed twice is kept once.
 * @example parseAgentModels('Available models\n\nauto - Auto (current)\ngpt-5 - GPT-5\n')
 * // [{ id: 'auto', name: 'Auto', current: true, default: false }, { id: 'gpt-5', name: 'GPT-5', ... }]
 */
export function parseAgentModels(output: string): AgentModel[] {
  const models = new Map<string, AgentModel>();
  for (const raw of output.replace(ANSI, '').split('\n')) {
    // A spinner redraws its line with \r; only what was drawn last is on screen.
    const line = raw.replace(/\r+$/, '').split('\r').pop() ?? '';
    const match = LINE.exec(line);
    if (match === null) continue;
    const [, id = '', display = ''] = match;
    let name = display;
    let current = false;
    let isDefault = false;
    for (let marker = MARKERS.exec(name); marker !== null; marker = MARKERS.exec(name)) {
      const words = (marker[1] ?? '').toLowerCase();
      current ||= words.includes('current');
      isDefault ||= words.includes('default');
      name = name.slice(0, marker.index);
    }
    if (name === '') continue;
    const seen = models.get(id);
    if (seen === undefined) models.set(id, { id, name, current, default: isDefault });
    else Object.assign(seen, { current: seen.current || current, default: seen.default || isDefault });
  }
  return [...models.values()];
}
