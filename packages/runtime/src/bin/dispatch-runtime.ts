#!/usr/bin/env node
// The runtime's own executable, for daemons an embedding app starts: `daemon run` (be the daemon)
// and `ask` (what workers run as `"$DISPATCH_BIN" ask ...`), exactly as the CLI serves them, so
// an app needs no CLI installed. Errors become one line on stderr and the contract's exit status.
import { realpathSync } from 'node:fs';
import { runDaemonProcess } from '../daemon/run-daemon.js';
import { ExitCode, toDispatchError, usageError } from '../errors.js';
import { askAsWorker } from '../worker/ask.js';

const USAGE = 'usage: dispatch-runtime daemon run | ask [--timeout S] [--wait N] [QUESTION...]';

/** `ask`'s arguments: `--timeout S`, `--wait N` (also as `--opt=value`), and the question's words. */
function parseAsk(args: readonly string[]): { question: string; wait?: string; timeout?: string } {
  const words: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const option = /^--(timeout|wait)(?:=(.*))?$/.exec(arg);
    if (option) {
      const value = option[2] ?? args[++i];
      if (value === undefined) throw usageError(`--${option[1]}: a value is missing`);
      options[option[1]!] = value;
    } else if (arg === '--') words.push(...args.slice(i + 1)), (i = args.length);
    else if (arg.startsWith('--')) throw usageError(`unknown option ${arg} (${USAGE})`);
    else words.push(arg);
  }
  return { question: words.join(' '), ...options };
}

async function main(argv: readonly string[]): Promise<number> {
  const io = { out: (t: string) => void process.stdout.write(t), err: (t: string) => void process.stderr.write(t) };
  try {
    const [command, ...rest] = argv;
    if (command === 'daemon' && rest.length === 1 && rest[0] === 'run') {
      return await runDaemonProcess(process.env, realpathSync(process.argv[1]!), io.err);
    }
    if (command === 'ask') return await askAsWorker(process.env, parseAsk(rest), io);
    throw usageError(USAGE);
  } catch (err) {
    const e = toDispatchError(err);
    io.err(`dispatch: ${e.message.split('\n').join(' ')}\n`);
    if (process.env.DISPATCH_DEBUG === '1') io.err(`${e.stack ?? ''}\n`);
    return e.exitCode ?? ExitCode.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
