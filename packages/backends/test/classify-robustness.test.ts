import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyWorkerExit } from '../src/index.js';

const KINDS = ['budget', 'cli-missing', 'auth', 'quota', 'model-unavailable', 'network', 'crash'];
const root = join(import.meta.dirname, 'fixtures', 'cli-output');
// Every line the real CLIs printed: the material random logs are cut from.
const realLines = ['claude', 'codex', 'gemini', 'opencode'].flatMap((cli) =>
  readdirSync(join(root, cli)).flatMap((f) =>
    (JSON.parse(readFileSync(join(root, cli, f), 'utf8')) as { output: string }).output.split('\n'),
  ),
);

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('classifyWorkerExit on arbitrary logs', () => {
  it('always answers one line of a known kind for a failed exit, and never throws', () => {
    const next = random(6);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)]!;
    for (let i = 0; i < 500; i++) {
      const lines = Array.from({ length: Math.floor(next() * 30) }, () => {
        const line = pick(realLines);
        // Cut real lines at random places, and mix in bytes no CLI printed.
        return next() < 0.3
          ? line.slice(Math.floor(next() * line.length))
          : next() < 0.1
            ? String.fromCharCode(...Array.from({ length: 40 }, () => Math.floor(next() * 0x3000)))
            : line;
      });
      const code = pick([1, 2, 41, 126, 127, 139, null]);
      const failure = classifyWorkerExit({
        code,
        signal: code === null ? 'SIGTERM' : null,
        output: lines.join(pick(['\n', '\r\n'])),
        cli: pick(['claude', 'codex', 'gemini', 'opencode', 'mytool']),
      });
      expect(KINDS).toContain(failure?.kind);
      expect(failure!.message).not.toMatch(/[\r\n]/);
    }
  });

  it('reads a 64 KiB tail of long lines quickly (no pathological matching)', () => {
    const long = [
      'a: '.repeat(20_000),
      `${'x'.repeat(60_000)} not found`,
      `model ${'`'.repeat(30_000)}`,
      `try again in ${'1'.repeat(30_000)}`,
    ];
    for (const line of long) {
      const started = performance.now();
      classifyWorkerExit({ code: 1, signal: null, output: `${line}\n${line}\n`, cli: 'codex' });
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });
});
