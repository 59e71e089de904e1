/** How a host CLI starts the dispatch MCP server: a program and its arguments. */
export interface ServerCommand {
  command: string;
  args: readonly string[];
}

/** The name dispatch's entry takes in every host's list of MCP servers. */
export const SERVER_NAME = 'dispatch';

/**
 * This very CLI's `mcp` command, by absolute paths (node, then dispatch.js), as the daemon's
 * `$DISPATCH_BIN` is: a host agent may start servers with a PATH that has no `dispatch` on it.
 */
export function dispatchServerCommand(nodePath: string, dispatchJs: string): ServerCommand {
  return { command: nodePath, args: [dispatchJs, 'mcp'] };
}

/** What an edit did to one host's config file. */
export type EditAction = 'added' | 'updated' | 'unchanged';

/** An edit planned on a config file's text: what it does, and the new text (the same when unchanged). */
export interface PlannedEdit {
  action: EditAction;
  text: string;
}
