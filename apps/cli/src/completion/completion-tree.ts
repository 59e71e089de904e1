import type { CommandSpec } from '../command-spec.js';

/** A word a shell may complete at some place: a command name or an option, with what it does. */
export interface CompletionWord {
  word: string;
  description: string;
  /** An option that takes a value (`--model <model>`): the next word is that value. */
  takesValue?: boolean;
}

/** One place in the command tree (`''` the root, `'config'`, `'config show'`) and what may follow it. */
export interface CompletionNode {
  path: string;
  words: CompletionWord[];
}

/** The options every command has; the root also has -C and --version. */
const HELP: CompletionWord[] = [
  { word: '-h', description: 'show help' },
  { word: '--help', description: 'show help' },
];
const ROOT: CompletionWord[] = [
  { word: '-C', description: 'run as if dispatch was started in DIR', takesValue: true },
  { word: '-V', description: 'print the version' },
  { word: '--version', description: 'print the version' },
];

/** `-f, --follow` → its flags; `--model <model>` takes a value. */
function optionWords(flags: string, description: string): CompletionWord[] {
  const takesValue = /[<[]/.test(flags);
  return flags
    .split(/[ ,]+/)
    .filter((f) => f.startsWith('-'))
    .map((word) => ({ word, description, ...(takesValue && { takesValue }) }));
}

/**
 * Every place in the command table a shell can complete, from the table itself (so a new command
 * or option is completed without touching the scripts): each command's subcommands and options.
 */
export function completionTree(specs: readonly CommandSpec[]): CompletionNode[] {
  const nodes: CompletionNode[] = [];
  const visit = (path: string, children: readonly CommandSpec[], own: CompletionWord[]) => {
    const subcommands = children.map((s) => ({ word: s.name, description: s.summary }));
    nodes.push({ path, words: [...subcommands, ...own, ...HELP] });
    for (const s of children) {
      const options = (s.options ?? []).flatMap((o) => optionWords(o.flags, o.description));
      // `dispatch help <command>`: the command names, as words of help itself.
      const named = path === '' && s.name === 'help' ? subcommands : [];
      visit(path === '' ? s.name : `${path} ${s.name}`, s.subcommands ?? [], [...named, ...options]);
    }
  };
  visit('', specs, ROOT);
  return nodes;
}
