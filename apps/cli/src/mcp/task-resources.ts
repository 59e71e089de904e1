import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SubscribeRequestSchema, UnsubscribeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Dispatch } from '@dispatch/runtime';

const ALL = 'dispatch://tasks';
/** How soon a subscription's watch looks again after it could not (no `.dispatch` yet). */
const RETRY_MS = 500;
const uriOf = (id: string) => `${ALL}/${encodeURIComponent(id)}`;

/**
 * Tasks as resources a host can read and subscribe to instead of polling: `dispatch://tasks` (every
 * task, as `status --json`) and `dispatch://tasks/{id}` (one). A subscribed resource is announced
 * updated (`notifications/resources/updated`) whenever one of its tasks reaches a notable condition
 * — a question, a block, a failure, its end — the moments `wait` reports.
 */
export function registerTaskResources(server: McpServer, dispatch: Dispatch): { close(): void } {
  const json = (uri: string, value: unknown) => ({
    contents: [{ uri, mimeType: 'application/json', text: JSON.stringify(value) }],
  });
  server.registerResource(
    'tasks',
    ALL,
    {
      title: 'Every task',
      description: 'Every task of the workspace, as dispatch status --json',
      mimeType: 'application/json',
    },
    async (uri) => json(uri.href, await dispatch.status()),
  );
  server.registerResource(
    'task',
    new ResourceTemplate(`${ALL}/{id}`, {
      list: async () => ({
        resources: (await dispatch.status()).map((t) => ({
          uri: uriOf(t.id),
          name: t.id,
          mimeType: 'application/json',
        })),
      }),
    }),
    { title: 'One task', description: 'One task, as dispatch status ID --json', mimeType: 'application/json' },
    async (uri, { id }) => json(uri.href, await dispatch.status(decodeURIComponent(String(id)))),
  );

  const subscribed = new Set<string>();
  let following: AbortController | null = null;
  const follow = async (signal: AbortSignal) => {
    // Every condition of every task, as it happens (ids: all unfinished ones and those to come).
    // A workspace with no task yet has nothing to watch: look again until one appears.
    while (!signal.aborted) {
      try {
        for await (const condition of dispatch.watch({ signal })) {
          for (const uri of [ALL, uriOf(condition.id)])
            if (subscribed.has(uri)) await server.server.sendResourceUpdated({ uri }).catch(() => undefined);
        }
      } catch {
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  };
  server.server.registerCapabilities({ resources: { subscribe: true, listChanged: true } });
  server.server.setRequestHandler(SubscribeRequestSchema, async (request) => {
    subscribed.add(request.params.uri);
    if (following === null) {
      following = new AbortController();
      void follow(following.signal).catch(() => undefined);
    }
    return {};
  });
  server.server.setRequestHandler(UnsubscribeRequestSchema, async (request) => {
    subscribed.delete(request.params.uri);
    return {};
  });
  return { close: () => following?.abort() };
}
