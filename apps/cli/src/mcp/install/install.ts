import { findCommand } from '@dispatch/config';
import { type ConfigFile, readConfigFile, writeConfigFile } from './config-file.js';
import { HOSTS, type Host, type HostName, type Places, type Scope } from './hosts.js';
import type { EditAction, PlannedEdit, ServerCommand } from './server-entry.js';

/** What `mcp install` did for one host (its `--json` element). */
export interface InstallResult {
  host: HostName;
  scope: Scope;
  /** The config file, or null when the host was skipped. */
  file: string | null;
  action: EditAction | 'skipped';
  /** Why a host was skipped. */
  reason?: string;
  /** What the user should know to have the host load the entry. */
  note?: string;
}

/** What to install, for whom, and where. */
export interface InstallRequest {
  /** The hosts asked for; empty: every host whose CLI is on PATH. */
  hosts: readonly HostName[];
  scope: Scope;
  server: ServerCommand;
  places: Places;
}

interface Planned {
  host: Host;
  file: ConfigFile;
  edit: PlannedEdit;
}

/**
 * Registers the dispatch MCP server with each host. Every file is read and its edit planned
 * first, so one malformed file (exit 2) means nothing was written anywhere; then the files that
 * change are written, each atomically.
 */
export async function installMcpServer(request: InstallRequest): Promise<InstallResult[]> {
  const chosen = request.hosts.length === 0 ? HOSTS : HOSTS.filter((h) => request.hosts.includes(h.name));
  const results = new Map<HostName, InstallResult>();
  const planned: Planned[] = [];
  for (const host of chosen) {
    if (findCommand(host.executable, request.places.env.PATH) === null) {
      const reason = `${host.executable} is not installed (not on PATH)`;
      results.set(host.name, { host: host.name, scope: request.scope, file: null, action: 'skipped', reason });
      continue;
    }
    const file = await readConfigFile(host.file(request.scope, request.places));
    planned.push({ host, file, edit: host.edit(file.text, file.path, request.server) });
  }
  for (const { host, file, edit } of planned) {
    // User files may hold tokens (~/.claude.json does): private when new. Project files are shared.
    if (edit.action !== 'unchanged') await writeConfigFile(file, edit.text, request.scope === 'user' ? 0o600 : 0o644);
    const note = request.scope === 'project' ? host.projectNote : undefined;
    results.set(host.name, {
      host: host.name,
      scope: request.scope,
      file: file.path,
      action: edit.action,
      ...(note && { note }),
    });
  }
  return chosen.flatMap((h) => results.get(h.name) ?? []);
}
