// What the dispatch binary runs (both bundles export it; launch/launcher.ts picks one). This is the
// only place that turns a command's outcome or a thrown error into an exit status and a message;
// everything it calls returns data or throws typed errors.
import { COMMANDS, ROOT_EXAMPLES } from './command-table.js';
import { describeError } from './error-report.js';
import { takeGlobalOptions } from './global-options.js';
import { createProcessIo, type Io } from './io.js';
import { runProgram } from './program.js';
import { routeArgv } from './route.js';
import { createStyle } from './style.js';
import { usageError } from '@dispatch/runtime';

/** `-C DIR`: run as if started there (git's meaning); each one relative to the last. */
function changeDirectory(dirs: readonly string[]): void {
  for (const dir of dirs) {
    try {
      process.chdir(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such directory' : code === 'ENOTDIR' ? 'not a directory' : String(code);
      throw usageError(`-C ${dir}: ${why}`, 'invalid-input');
    }
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  let io: Io = createProcessIo();
  try {
    const { directories, rest } = takeGlobalOptions(argv);
    if (directories.length > 0) {
      changeDirectory(directories);
      io = createProcessIo(); // its cwd is the new one
    }
    return await runProgram(routeArgv(rest, COMMANDS), COMMANDS, ROOT_EXAMPLES, io);
  } catch (err) {
    const report = describeError(err, { debug: io.env.DISPATCH_DEBUG === '1' });
    if (report.message !== null) {
      io.err(`${createStyle(io.errColor).red('dispatch:')} ${report.message}\n`);
    }
    if (report.detail !== null) io.err(`${report.detail}\n`);
    return report.exitCode;
  }
}
