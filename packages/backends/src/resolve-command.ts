import { accessSync, constants, statSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * What the shell will run for a backend's command: the executable it finds, a name it certainly
 * cannot find (`missing`, with the PATH it searched), or `unknown` for a shape this does not read
 * (a script with `;`/`|`, an expansion in the command word, `sh -c`, an unset PATH...): those run.
 */
export type CommandResolution =
  | { status: 'found'; name: string; path: string }
  /** `searched` is the PATH looked through; null when the name was a path itself. */
  | { status: 'missing'; name: string; searched: string | null }
  | { status: 'unknown'; why: string };

/** One shell word: its text after quote removal and expansion, or null when it needs more than `$NAME`. */
interface Word {
  text: string | null;
  /** Whether anything in it was expanded (`$NAME`): a command word with one is not read. */
  expanded: boolean;
  redirect: boolean;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=/;
/** Commands whose argument is a script (or that are syntax): what they run is not read. */
const OPAQUE = new Set([
  ...['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'fish', 'busybox', 'xargs', 'sudo', 'doas', 'su'],
  ...['if', 'then', 'elif', 'else', 'fi', 'case', 'for', 'while', 'until', 'do', 'done', '{', '}', '!', '[['],
  ...['.', 'source', 'eval', 'cd', 'set', 'export', 'alias', 'trap', 'function', 'select', 'time', 'builtin'],
]);

/**
 * Resolves the command a backend's `command` starts, the way `/bin/sh` (and `env`, and the common
 * wrappers `exec`, `command`, `nice`, `nohup`, `setsid`, `timeout`, `stdbuf`) will: leading
 * `NAME=value` assignments (an inline `PATH=` included) and `env`'s options and assignments apply
 * to the lookup, `$NAME` expands from `env`, an empty or relative PATH entry is relative to `cwd`.
 * Certain only of what it reads: anything else is `unknown`, never `missing`.
 * @example resolveCommand('env PATH=/opt/x:$PATH codex exec', process.env, process.cwd())
 * // { status: 'found', name: 'codex', path: '/opt/x/codex' }
 */
export function resolveCommand(command: string, env: NodeJS.ProcessEnv, cwd: string): CommandResolution {
  const words = shellWords(command, env);
  if (words === null) return { status: 'unknown', why: 'the command is a shell script' };
  let i = 0;
  const vars: NodeJS.ProcessEnv = { ...env };
  let dir = cwd;
  // The shell's own prefix assignments: `PATH=/x cli` looks cli up in /x.
  for (; i < words.length && ASSIGNMENT.test(words[i]!.text ?? ''); i++) {
    const text = words[i]!.text;
    if (text === null) return { status: 'unknown', why: 'an assignment the shell expands' };
    assign(vars, text);
  }
  const first = words[i];
  if (first?.redirect === true) return { status: 'unknown', why: 'a redirection before the command' };
  for (;;) {
    const word = words[i];
    if (word === undefined) return { status: 'unknown', why: 'no command' };
    if (word.text === null || word.expanded || word.redirect || word.text === '')
      return { status: 'unknown', why: 'the command word is expanded by the shell' };
    const name = word.text;
    if (OPAQUE.has(name)) return { status: 'unknown', why: `${name} runs a script` };
    const rest = words.slice(i + 1);
    if (name === 'exec' || name === 'command') {
      if (rest[0]?.text?.startsWith('-')) return { status: 'unknown', why: `${name} with options` };
      i++;
      continue;
    }
    const found = lookUp(name, vars, dir);
    if (found.status !== 'found') return found;
    // A wrapper: its own options, then the command it runs (execvp, with the environment it made).
    const base = name.slice(name.lastIndexOf('/') + 1);
    const skip = WRAPPERS[base];
    if (skip === undefined) return found;
    const state = { vars, dir };
    const next = skip(rest, state);
    if (next === null) return { status: 'unknown', why: `${base}'s options are not read` };
    dir = state.dir;
    i += 1 + next;
  }
}

/** How a wrapper's options are skipped: the number of words before its command, or null when not read. */
type Skip = (args: readonly Word[], state: { vars: NodeJS.ProcessEnv; dir: string }) => number | null;

const WRAPPERS: Record<string, Skip> = {
  env: skipEnv,
  nohup: (args) => (args[0]?.text === '--' ? 1 : 0),
  nice: (args) => skipOptions(args, { '-n': 1, '--adjustment': 1 }, /^-(n?\d+|-adjustment=.*)$/),
  setsid: (args) => skipOptions(args, {}, /^-(-?(c|f|w|ctty|fork|wait))$/),
  stdbuf: (args) => skipOptions(args, { '-i': 1, '-o': 1, '-e': 1 }, /^-([ioe].+|-(input|output|error)=.+)$/),
  timeout: (args) => {
    const n = skipOptions(
      args,
      { '-s': 1, '-k': 1, '--signal': 1, '--kill-after': 1 },
      /^-(v|-verbose|-foreground|-preserve-status|-(signal|kill-after)=.+|[sk].+)$/,
    );
    return n === null || args[n] === undefined ? null : n + 1; // then the duration
  },
};

/** Skips options: `withArg` ones take the next word, `alone` matches the rest; `--` ends them; null at an unknown one. */
function skipOptions(args: readonly Word[], withArg: Record<string, number>, alone: RegExp): number | null {
  let n = 0;
  while (n < args.length) {
    const text = args[n]!.text;
    if (text === null) return null;
    if (text === '--') return n + 1;
    if (!text.startsWith('-') || text === '-') return n;
    if (withArg[text] !== undefined) n += 1 + withArg[text];
    else if (alone.test(text)) n++;
    else return null;
  }
  return n;
}

/** `env [-i] [-u NAME] [-C DIR] [NAME=value]... command`: applies each to what the lookup sees. */
function skipEnv(args: readonly Word[], state: { vars: NodeJS.ProcessEnv; dir: string }): number | null {
  let n = 0;
  const arg = (k: number) => args[k]?.text ?? null;
  for (; n < args.length; n++) {
    const text = arg(n);
    if (text === null) return null;
    if (text === '--') {
      n++;
      break;
    }
    if (text === '-i' || text === '-' || text === '--ignore-environment') {
      for (const key of Object.keys(state.vars)) delete state.vars[key];
    } else if (text === '-u' || text === '--unset') {
      const name = arg(++n);
      if (name === null) return null;
      delete state.vars[name];
    } else if (text.startsWith('--unset=') || /^-u.+/.test(text)) {
      delete state.vars[text.startsWith('--') ? text.slice(8) : text.slice(2)];
    } else if (text === '-C' || text === '--chdir') {
      const dir = arg(++n);
      if (dir === null) return null;
      state.dir = resolve(state.dir, dir);
    } else if (text.startsWith('--chdir=') || /^-C.+/.test(text)) {
      state.dir = resolve(state.dir, text.startsWith('--') ? text.slice(8) : text.slice(2));
    } else if (text === '-0' || text === '--null' || text === '-v' || text === '--debug') {
      // no effect on what runs
    } else if (text.startsWith('-'))
      return null; // -S, -P, signals...: not read
    else break;
  }
  for (; n < args.length && ASSIGNMENT.test(arg(n) ?? ''); n++) assign(state.vars, arg(n)!);
  return n;
}

function assign(vars: NodeJS.ProcessEnv, text: string): void {
  const eq = text.indexOf('=');
  vars[text.slice(0, eq)] = text.slice(eq + 1);
}

/** Where the shell (or execvp) finds `name` with `vars`' PATH, from `dir`. */
function lookUp(name: string, vars: NodeJS.ProcessEnv, dir: string): CommandResolution {
  if (name.includes('/')) {
    const path = resolve(dir, name);
    return isExecutable(path) ? { status: 'found', name, path } : { status: 'missing', name, searched: null };
  }
  const searched = vars.PATH;
  // Without PATH each shell and libc searches its own default list.
  if (searched === undefined) return { status: 'unknown', why: 'PATH is unset' };
  for (const entry of searched.split(':')) {
    const path = resolve(dir, entry === '' ? '.' : entry, name);
    if (isExecutable(path)) return { status: 'found', name, path };
  }
  return { status: 'missing', name, searched };
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The command's words, quotes removed and `$NAME`/`${NAME}` expanded from `env`; a word needing
 * more (command substitution, `${X:-y}`, a glob, `~`) has text null. Null for a script: a `;`,
 * `&`, `|`, newline or parenthesis outside quotes (what runs then depends on more than one word).
 * Redirections are marked; `"$(pwd)"` after the command word is fine (its text is simply null).
 */
function shellWords(command: string, env: NodeJS.ProcessEnv): Word[] | null {
  const words: Word[] = [];
  const s = command.trim();
  let i = 0;
  while (i < s.length) {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
    if (i >= s.length) break;
    let text: string | null = '';
    let expanded = false;
    let redirect = false;
    const add = (part: string | null) => {
      text = text === null || part === null ? null : text + part;
    };
    /** `$...` at s[i]: adds its expansion; returns false for a part this cannot read. */
    const dollar = (): void => {
      const rest = s.slice(i + 1);
      const plain = /^([A-Za-z_][A-Za-z0-9_]*)/.exec(rest) ?? /^\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(rest);
      if (plain) {
        add(env[plain[1]!] ?? '');
        expanded = true;
        i += 1 + plain[0].length;
        return;
      }
      if (rest.startsWith('(')) {
        const end = closing(s, i + 1);
        if (end < 0) throw new Unreadable();
        add(null);
        i = end + 1;
        return;
      }
      if (rest.startsWith('{')) {
        const end = s.indexOf('}', i);
        if (end < 0) throw new Unreadable();
        add(null);
        i = end + 1;
        return;
      }
      if (/^[0-9@*#?$!-]/.test(rest)) {
        add(null);
        i += 2;
        return;
      }
      add('$');
      i++;
    };
    try {
      while (i < s.length && s[i] !== ' ' && s[i] !== '\t') {
        const c = s[i]!;
        if (c === "'") {
          const end = s.indexOf("'", i + 1);
          if (end < 0) return null;
          add(s.slice(i + 1, end));
          i = end + 1;
        } else if (c === '"') {
          i++;
          while (i < s.length && s[i] !== '"') {
            if (s[i] === '\\' && i + 1 < s.length) {
              add('$`"\\\n'.includes(s[i + 1]!) ? s[i + 1]! : `\\${s[i + 1]}`);
              i += 2;
            } else if (s[i] === '$') dollar();
            else if (s[i] === '`') {
              const end = s.indexOf('`', i + 1);
              if (end < 0) return null;
              add(null);
              i = end + 1;
            } else add(s[i++]!);
          }
          if (i >= s.length) return null;
          i++;
        } else if (c === '\\') {
          if (i + 1 < s.length && s[i + 1] !== '\n') add(s[i + 1]!);
          i += 2;
        } else if (c === '$') dollar();
        else if (c === '`') {
          const end = s.indexOf('`', i + 1);
          if (end < 0) return null;
          add(null);
          i = end + 1;
        } else if (';&|()\n'.includes(c)) {
          return null;
        } else if (c === '<' || c === '>') {
          // A redirection: its operator (`2>&1` included) and target are not arguments.
          redirect = true;
          i++;
          while (i < s.length && '<>&|'.includes(s[i]!)) i++;
          add(null);
        } else if ('*?[~'.includes(c)) {
          add(null);
          i++;
        } else add(s[i++]!);
      }
    } catch (err) {
      if (err instanceof Unreadable) return null;
      throw err;
    }
    words.push({ text, expanded, redirect });
  }
  return words;
}

class Unreadable extends Error {}

/** The index of the `)` closing the `(` at `open`, skipping quoted text; -1 when there is none. */
function closing(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i]!;
    if (c === "'") {
      i = s.indexOf("'", i + 1);
      if (i < 0) return -1;
    } else if (c === '\\') i++;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

/**
 * What a missing command's resolution says: `codex is not installed (not on PATH=/usr/bin:/bin)`.
 * @example describeMissing({ status: 'missing', name: 'codex', searched: '/usr/bin' })
 */
export function describeMissing(r: Extract<CommandResolution, { status: 'missing' }>): string {
  return r.searched === null
    ? `${r.name} is not installed (no executable file there)`
    : `${r.name} is not installed (not on PATH=${r.searched})`;
}
