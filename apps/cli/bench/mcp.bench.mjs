#!/usr/bin/env node
// MCP server benchmarks, each beside its anchor measured in the same run:
//   `dispatch mcp` start-up (spawned until its answer to `initialize` arrives) vs `node -e 0`;
//   a `status` tool call on a running server vs the CLI's `dispatch status --json` (10 tasks).
// Run: pnpm build && node apps/cli/bench/mcp.bench.mjs  (about 20 s on 2 cores)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const bin = process.env.DISPATCH_BENCH_BIN ?? new URL('../dist/dispatch.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'dispatch-bench-mcp-home-'));
const cwd = mkdtempSync(join(tmpdir(), 'dispatch-bench-mcp-ws-'));
const env = { ...process.env, DISPATCH_HOME: home, DISPATCH_DAEMON_IDLE_MS: '600000', NO_COLOR: '1' };
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)).padStart(7);
const row = (name, value, anchor = '') => console.log(`${name.padEnd(52)}${fmt(value)} ms  ${anchor}`);

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};

/** A server speaking newline-delimited JSON-RPC on stdio: send a request, await the reply with its id. */
function startServer() {
  const child = spawn(process.execPath, [bin, 'mcp'], { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let buffer = '';
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const message = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      waiting.get(message.id)?.(message);
    }
  });
  const request = (message) =>
    new Promise((resolve) => {
      waiting.set(message.id, resolve);
      child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  return { child, request, notify: (m) => child.stdin.write(`${JSON.stringify(m)}\n`) };
}

const nodeZero = median(
  Array.from({ length: 10 }, () => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return ms(t);
  }),
);

const startups = [];
for (let i = 0; i < 10; i++) {
  const t = process.hrtime.bigint();
  const server = startServer();
  await server.request(INITIALIZE);
  startups.push(ms(t));
  server.child.stdin.end();
  await new Promise((resolve) => server.child.on('exit', resolve));
}

// Ten tasks to report on, then `status` both ways.
for (let i = 0; i < 10; i++)
  spawnSync(process.execPath, [bin, 'run', '--model', 'sim', '--id', `t${i}`, '--step', 'a {sleep: 600}', 'bench'], {
    cwd,
    env,
  });
const server = startServer();
await server.request(INITIALIZE);
server.notify({ jsonrpc: '2.0', method: 'notifications/initialized' });
const calls = [];
for (let i = 0; i < 10; i++) {
  const t = process.hrtime.bigint();
  await server.request({
    jsonrpc: '2.0',
    id: 100 + i,
    method: 'tools/call',
    params: { name: 'status', arguments: {} },
  });
  calls.push(ms(t));
}
const cli = median(
  Array.from({ length: 10 }, () => {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, [bin, 'status', '--json'], { cwd, env });
    return ms(t);
  }),
);
server.child.stdin.end();
for (let i = 0; i < 10; i++) spawnSync(process.execPath, [bin, 'cancel', `t${i}`], { cwd, env });
spawnSync(process.execPath, [bin, 'daemon', 'stop'], { cwd, env });

console.log('\nthe MCP server (median of 10)');
row('node -e 0 (anchor)', nodeZero);
row(
  'dispatch mcp: spawned until initialize answered',
  median(startups),
  `${(median(startups) / nodeZero).toFixed(2)}× node`,
);
row('dispatch status --json (10 tasks, a new process)', cli);
row('status tool call (10 tasks, running server)', median(calls), `${(median(calls) / cli).toFixed(2)}× the CLI`);
