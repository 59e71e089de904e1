import { describeEvent, parseWorkerLine } from '@dispatch/backends';

/** A JSON line of a structured format that says nothing worth showing (a tool's raw result, a turn start). */
const isStructured = (line: string) =>
  /^\s*\{"type":"(system|assistant|user|result|thread\.|turn\.|item\.|error)/.test(line);

/** One worker.log line as a person wants to read it: structured events described, other lines as they are. */
export function renderLogLine(line: string): string | null {
  const events = parseWorkerLine(line);
  if (events.length > 0) return events.map((e) => (e.kind === 'text' ? e.text : `● ${describeEvent(e)}`)).join('\n');
  return isStructured(line) ? null : line;
}

/**
 * Turns chunks of worker.log into readable text, line by line (a partial last line waits for its
 * end). With `raw`, chunks pass through unchanged.
 */
export function createLogRenderer(raw: boolean): { push(chunk: string): string; flush(): string } {
  let carry = '';
  const render = (lines: string[]) =>
    lines
      .map(renderLogLine)
      .filter((l): l is string => l !== null)
      .map((l) => `${l}\n`)
      .join('');
  return {
    push(chunk) {
      if (raw) return chunk;
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      return render(lines);
    },
    flush() {
      const rest = carry;
      carry = '';
      return raw || rest === '' ? '' : render([rest]);
    },
  };
}
