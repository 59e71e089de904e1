import type { Command, HelpConfiguration } from 'commander';
import type { Example } from './command-spec.js';
import { createStyle } from './style.js';

// Help is always styled; commander strips the codes when the stream has no colour (see program.ts).
const style = createStyle(true);

/** Commander help settings: bold titles, cyan names in the command list; the rest plain. */
export const HELP_CONFIGURATION: HelpConfiguration = {
  styleTitle: (text) => style.bold(text),
  styleSubcommandTerm: (text) => style.cyan(text),
  sortSubcommands: true,
};

/** The "Examples:" section appended after a command's help. */
export function formatExamples(examples: readonly Example[]): string {
  if (examples.length === 0) return '';
  const width = Math.max(...examples.map(([line]) => line.length));
  const rows = examples.map(([line, note]) =>
    note === undefined ? `  ${line}` : `  ${line.padEnd(width)}   ${style.dim(note)}`,
  );
  return `\n${style.bold('Examples:')}\n${rows.join('\n')}\n`;
}

/** Adds the Examples section to `command`'s help output. */
export function addExamples(command: Command, examples: readonly Example[]): void {
  const text = formatExamples(examples);
  if (text !== '') command.addHelpText('after', text);
}
