import type { CommandContext } from '../command-spec.js';

/** `dispatch mcp`: serve the Model Context Protocol on stdio until the client goes. */
export async function serve(ctx: CommandContext): Promise<void> {
  // Loaded here: the SDK is only what this command pays for.
  const { serveMcp } = await import('../mcp/server.js');
  await serveMcp(ctx.io);
}
