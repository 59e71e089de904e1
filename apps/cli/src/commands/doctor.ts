import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import {
  backendExecutable,
  CLI_EXECUTABLES,
  type CliKind,
  configPath,
  type DispatchConfig,
  findExecutable,
} from '@dispatch/config';
import type { CommandContext } from '../command-spec.js';
import { CLI_INSTALL, describeMissing } from '@dispatch/backends';
import {
  BUILD_ID,
  backendCli,
  checkSlurm,
  loadUserConfig,
  runningDaemon,
  runsHereFor,
  type SlurmCheck,
  VERSION,
  workspaceOf,
} from '@dispatch/runtime';
import { readWatchHealth } from '@dispatch/ipc-fs';
import { describeError } from '../error-report.js';
import { printJson } from '../json-output.js';
import { createStyle } from '../style.js';

interface Cli {
  kind: CliKind;
  path: string | null;
  version: string | null;
}

/** A CLI's `--version`, first line, or null when it does not answer within 10 s. */
async function versionOf(path: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const r = await execa(path, ['--version'], { env, stdin: 'ignore', reject: false, timeout: 10_000 });
  const line =
    String(r.stdout || r.stderr)
      .split('\n')[0]
      ?.trim() ?? '';
  return r.exitCode === 0 && line !== '' ? line : null;
}

/** A number from /proc, or null where there is none (macOS). */
async function procNumber(path: string): Promise<number | null> {
  const text = await readFile(path, 'utf8').catch(() => null);
  return text === null ? null : Number(text.trim());
}

/** `dispatch doctor [--json]`: CLIs, config, models, daemon and watching, and what to fix. Exit 1 when something needs fixing. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const env = io.env;
  const { home, dispatchDir } = workspaceOf(io);
  const problems: string[] = [];

  const clis: Cli[] = await Promise.all(
    (Object.entries(CLI_EXECUTABLES) as [CliKind, string][]).map(async ([kind, exe]) => {
      const path = findExecutable(exe, env.PATH);
      return { kind, path, version: path === null ? null : await versionOf(path, env) };
    }),
  );

  const path = configPath(env);
  let config: DispatchConfig | null = null;
  let configError: string | null = null;
  try {
    config = (await loadUserConfig(env)).config;
  } catch (err) {
    configError = describeError(err).message ?? String(err); // `config.yaml:3:5: …`, as any command says it
    problems.push(`config: ${configError}`);
  }
  // The shell's own lookup, as `run` checks it: `env PATH=… cli`, `VAR=… cli` and wrappers count.
  const models =
    config === null
      ? []
      : Object.values(config.models).map((m) => {
          const backend = config.backends[m.backend];
          // null: no such backend (the config names one it lacks) or its workers run elsewhere.
          const cli = backend ? backendCli(backend, env, io.cwd, runsHereFor(config, undefined)) : null;
          const elsewhere = backend?.executor !== undefined && backend.executor !== 'local' ? backend.executor : null;
          const exe = cli?.status === 'missing' ? cli.name : backend ? backendExecutable(backend) : null;
          const installed = backend !== undefined && cli?.status !== 'missing';
          return {
            model: m.id,
            backend: m.backend,
            executable: exe,
            installed,
            cli,
            isDefault: m.id === config.default,
            /** The executor its workers run on, when not this machine (its CLI is the nodes' business). */
            runsOn: elsewhere,
          };
        });
  for (const m of models)
    if (m.isDefault && !m.installed)
      problems.push(
        `the default model ${m.model} cannot run: ${m.cli?.status === 'missing' ? describeMissing(m.cli) : `${m.backend} has no command`}`,
      );

  // Each cluster executor: is sbatch here, does the cluster answer, can its nodes see this workspace.
  const executors: SlurmCheck[] = await Promise.all(
    Object.values(config?.executors ?? {})
      .filter((e) => e.kind === 'slurm')
      .map((e) => checkSlurm(e, [io.cwd, dispatchDir, home], env)),
  );
  for (const e of executors) {
    if (e.sbatch === null)
      problems.push(`executor ${e.executor}: sbatch is not on PATH (install Slurm's client commands)`);
    if (e.error !== null) problems.push(`executor ${e.executor}: the cluster does not answer: ${e.error}`);
    if (e.nodeLocal !== null)
      problems.push(
        `executor ${e.executor}: ${e.nodeLocal} is on this machine only, and the cluster has ${e.nodes?.length} nodes: put the workspace and DISPATCH_HOME on a filesystem they share`,
      );
  }

  const daemon = await runningDaemon(home);
  if (daemon && daemon.buildId !== BUILD_ID)
    problems.push(
      `the daemon runs another build (version ${daemon.version}), this CLI is ${VERSION}: the next command replaces it`,
    );
  const health = daemon ? await readWatchHealth(home) : [];
  const degraded = health.filter((h) => h.degraded).map((h) => h.dispatchDir);
  const watch = {
    maxUserWatches: await procNumber('/proc/sys/fs/inotify/max_user_watches'),
    maxUserInstances: await procNumber('/proc/sys/fs/inotify/max_user_instances'),
    degraded,
  };
  for (const dir of degraded) {
    problems.push(
      `the daemon cannot watch ${dir} (out of inotify watches?): it sees changes by scanning every 5 s; raise fs.inotify.max_user_watches`,
    );
  }

  const report = {
    version: VERSION,
    node: process.version,
    platform: process.platform,
    dispatchDir,
    config: { path, ok: configError === null, error: configError, default: config?.default ?? null },
    clis: Object.fromEntries(clis.map((c) => [c.kind, c.path === null ? null : { path: c.path, version: c.version }])),
    models,
    executors,
    daemon: { running: daemon !== null, pid: daemon?.pid ?? null, version: daemon?.version ?? null },
    watch,
    problems,
  };
  if (ctx.options.json === true) {
    printJson(io, report);
    return problems.length === 0 ? 0 : 1;
  }

  const s = createStyle(io.outColor);
  const ok = s.green('✓');
  const bad = s.red('✗');
  const lines = [`dispatch ${VERSION} · node ${process.version} · ${process.platform}`, ''];
  lines.push(
    configError === null
      ? `${ok} config   ${path}: default ${config?.default}, ${models.length} model${models.length === 1 ? '' : 's'}`
      : `${bad} config   ${configError}`,
  );
  for (const c of clis) {
    lines.push(
      c.path === null
        ? `${s.dim('-')} ${c.kind.padEnd(8)} not installed (${CLI_INSTALL[c.kind].install})`
        : `${ok} ${c.kind.padEnd(8)} ${c.path}${c.version ? ` (${c.version})` : ''}`,
    );
  }
  if (models.length > 0) {
    lines.push('', 'models');
    const width = Math.max(...models.map((m) => m.model.length));
    for (const m of models) {
      const what = m.runsOn
        ? `${m.backend} on ${m.runsOn}`
        : m.installed
          ? m.backend
          : `${m.backend}: ${m.executable ?? 'no command'} is not installed`;
      // A command the check does not read (a script, `sh -c`) runs: it may or may not find its CLI.
      const mark = !m.installed ? bad : m.cli?.status === 'unknown' ? s.dim('?') : ok;
      const why = m.cli?.status === 'unknown' ? s.dim(`  (not checked: ${m.cli.why})`) : '';
      lines.push(`  ${mark} ${m.model.padEnd(width)}  ${what}${why}${m.isDefault ? s.dim('  (default)') : ''}`);
    }
  }
  if (executors.length > 0) {
    lines.push('', 'executors');
    const width = Math.max(...executors.map((e) => e.executor.length));
    for (const e of executors) {
      const fine = e.sbatch !== null && e.error === null && e.nodeLocal === null;
      const nodes = e.nodes
        ? `${e.nodes.length} node${e.nodes.length === 1 ? '' : 's'} (${[...new Set(e.nodes.map((n) => n.state))].join(', ')})`
        : `does not answer: ${e.error}`;
      lines.push(
        `  ${fine ? ok : bad} ${e.executor.padEnd(width)}  slurm · sbatch ${e.sbatch ?? 'not on PATH'} · ${nodes}`,
      );
    }
  }
  lines.push(
    '',
    daemon
      ? `${ok} daemon   running (pid ${daemon.pid}, version ${daemon.version})`
      : `${s.dim('-')} daemon   not running (starts with the next task)`,
  );
  if (watch.maxUserWatches !== null) {
    lines.push(
      `${degraded.length === 0 ? ok : bad} watching inotify: ${watch.maxUserWatches} watches, ${watch.maxUserInstances} instances per user${degraded.length > 0 ? `; degraded in ${degraded.join(', ')}` : ''}`,
    );
  }
  if (problems.length > 0) lines.push('', ...problems.map((p) => `${bad} ${p}`));
  io.out(`${lines.join('\n')}\n`);
  return problems.length === 0 ? 0 : 1;
}
