import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseConfigDocument, validateConfig } from '@dispatch/config';
import { deriveTaskState, IpcError, parsePlan, readEventLog, serializePlan, taskPaths } from '@dispatch/ipc-fs';
import { classifiers } from '@dispatch/runtime';
import { printFigures, since } from './support/figures.js';

// Scenario 14, fuzzing: the plan parser, the event-log reader (and the state derived from a
// damaged log) and the config loader under fast-check — random bytes, random truncations and
// mutations of valid inputs, and a few pathological shapes. No crash (only the documented error
// types), no hang (every call timed), clear errors (one line, naming the file and line).
// A wide bound on a loaded 2-core machine: typical calls take < 5 ms; the slowest input is a config
// near the 1 MiB limit, which the YAML parser reads in linear time (~1-2 s under load).
const MAX_CALL_MS = 5_000;
const fixtures = new URL('../fixtures/formats/v1/', import.meta.url).pathname;
const tasksDir = join(fixtures, 'workspace', '.dispatch', 'tasks');
const taskIds = readdirSync(tasksDir).sort();
const plans = taskIds.map((id) => readFileSync(join(tasksDir, id, 'plan.md'), 'utf8'));
const logs = taskIds.map((id) => readFileSync(join(tasksDir, id, 'events.jsonl'), 'utf8'));
const configs = readdirSync(join(fixtures, 'config'))
  .sort()
  .map((name) => readFileSync(join(fixtures, 'config', name), 'utf8'));
const temp = mkdtempSync(join(tmpdir(), 'dispatch-fuzz-'));
const started = performance.now();
const stats = new Map<string, { calls: number; maxMs: number; errors: number }>();
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
  const figures: Record<string, string> = {};
  for (const [name, s] of stats)
    figures[name] = `${s.calls} calls, ${s.errors} clear errors, slowest ${s.maxMs.toFixed(1)} ms`;
  printFigures('14 fuzzing', { ...figures, 'wall time': `${since(started)} ms` });
});

/** Runs `call`, timing it against MAX_CALL_MS; returns its value or the error it threw. */
async function timed<T>(name: string, call: () => T | Promise<T>): Promise<{ value?: T; error?: unknown }> {
  const s = stats.get(name) ?? { calls: 0, maxMs: 0, errors: 0 };
  stats.set(name, s);
  const t = performance.now();
  let out: { value?: T; error?: unknown };
  try {
    out = { value: await call() };
  } catch (error) {
    out = { error };
    s.errors += 1;
  }
  const ms = performance.now() - t;
  s.calls += 1;
  s.maxMs = Math.max(s.maxMs, ms);
  expect(ms, `${name} took ${ms} ms`).toBeLessThan(MAX_CALL_MS);
  return out;
}

/** Bytes as text the way readers decode a file. */
const utf8 = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

/** A valid input cut at a random point, or with a random stretch replaced by random bytes. */
const damaged = (valid: readonly string[]) =>
  fc.oneof(
    fc
      .tuple(fc.constantFrom(...valid), fc.double({ min: 0, max: 1, noNaN: true }))
      .map(([t, f]) => t.slice(0, Math.floor(t.length * f))),
    fc
      .tuple(
        fc.constantFrom(...valid),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat({ max: 40 }),
      )
      .map(([t, f, bytes, cut]) => {
        const at = Math.floor(t.length * f);
        return t.slice(0, at) + utf8(bytes) + t.slice(at + cut);
      }),
  );

/** Text made of the pieces a parser cares about, in random order. */
const tokens = (pieces: readonly string[], maxLength = 300) =>
  fc.array(fc.constantFrom(...pieces), { maxLength }).map((a) => a.join(''));

const PLAN_PIECES = [
  '- [ ] ',
  '- [x] ',
  '- [?] ',
  '- [!] ',
  '* [ ] ',
  '> ',
  '>',
  '```',
  '~~~',
  '    ',
  '\t',
  '\n',
  '\r\n',
  '\r',
  '<!-- dispatch-note:n1 -->',
  '-->',
  '> **Note from dispatcher:** ',
  ' — ',
  'text',
  '# T',
  '**Blocker:** ',
  '\u2028',
  '\uFEFF',
];
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 2000 }), fc.uint8Array({ maxLength: 4000 }).map(utf8));

describe('the plan parser', () => {
  it('never throws on random, damaged or token-soup text, and gives every byte back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(anyText, damaged(plans), tokens(PLAN_PIECES)), async (text) => {
        const { value: plan, error } = await timed('parsePlan', () => parsePlan(text));
        expect(error).toBeUndefined();
        expect(serializePlan(plan!)).toBe(text);
        for (const item of plan!.items) expect(['pending', 'done', 'blocked', 'error']).toContain(item.mark);
      }),
      { numRuns: 2000 },
    );
  });

  it('stays fast on pathological shapes', async () => {
    const shapes = [
      '`'.repeat(200_000),
      '>\n'.repeat(100_000),
      '- [ ] x\n'.repeat(50_000),
      `- [?] q\n${'  > more\n'.repeat(50_000)}`,
      '```\n'.repeat(50_000),
      'a'.repeat(1_000_000),
      '\r'.repeat(200_000),
    ];
    for (const text of shapes) {
      const { value, error } = await timed('parsePlan (pathological)', () => parsePlan(text));
      expect(error).toBeUndefined();
      expect(serializePlan(value!)).toBe(text);
    }
  });
});

describe('the event-log reader', () => {
  const file = join(temp, 'events.jsonl');

  it('reads random bytes without throwing, keeping only well-formed events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 4000 }),
          anyText.map((t) => Buffer.from(t)),
        ),
        async (bytes) => {
          writeFileSync(file, bytes);
          const { value: log, error } = await timed('readEventLog', () => readEventLog(file));
          expect(error).toBeUndefined();
          for (const e of log!.events)
            expect([typeof e.seq, typeof e.type, Number.isNaN(Date.parse(e.at))]).toEqual(['number', 'string', false]);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('reads a log cut anywhere as a prefix of the whole log, torn only when cut inside a line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: logs.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (which, f) => {
          const whole = logs[which]!;
          const cut = whole.slice(0, Math.floor(whole.length * f));
          writeFileSync(file, cut);
          const all = (await readEventLog(join(tasksDir, taskIds[which]!, 'events.jsonl'))).events;
          const { value: log } = await timed('readEventLog (truncated)', () => readEventLog(file));
          const complete = cut.split('\n').length - 1;
          expect(log!.events).toEqual(all.slice(0, log!.events.length));
          expect(log!.events.length).toBeGreaterThanOrEqual(complete);
          expect(log!.skipped).toBe(0);
          if (log!.torn) expect(cut.endsWith('\n')).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('derives a task from a damaged log with no crash: a state, or an IpcError naming the file', async () => {
    const id = 'answered';
    const dispatchDir = join(temp, '.dispatch');
    cpSync(join(tasksDir, id), join(dispatchDir, 'tasks', id), { recursive: true });
    const events = taskPaths(dispatchDir, id).events;
    const log = readFileSync(events, 'utf8');
    const lines = log.trimEnd().split('\n');
    // Damage: cut and spliced bytes; lines dropped, repeated or swapped; known types with random facts.
    const shuffled = fc
      .array(fc.nat({ max: lines.length - 1 }), { minLength: 1, maxLength: lines.length * 2 })
      .map((picks) => `${picks.map((i) => lines[i]).join('\n')}\n`);
    const knownTypes = [
      ...new Set(lines.map((l) => (JSON.parse(l) as { type: string }).type)),
      'worker.spawn-failed',
      'retry',
      'model.chosen',
      'recovery.failed',
      'answer.timeout',
      'cancel',
      'task.timeout',
    ];
    const randomFacts = fc
      .array(
        fc.tuple(
          fc.constantFrom(...knownTypes),
          fc.dictionary(
            fc.constantFrom(
              'attempt',
              'question',
              'plan',
              'code',
              'signal',
              'model',
              'error',
              'cause',
              'acks',
              'input',
              'pid',
              'state',
            ),
            fc.jsonValue({ maxDepth: 2 }),
          ),
        ),
        { maxLength: 8 },
      )
      .map(
        (extra) =>
          `${lines[0]}\n${extra.map(([type, facts], i) => JSON.stringify({ ...facts, seq: i + 2, at: '2026-11-24T08:02:39.000Z', type })).join('\n')}\n`,
      );
    await fc.assert(
      fc.asyncProperty(fc.oneof(damaged([log]), shuffled, randomFacts), async (text) => {
        writeFileSync(events, text);
        const { value, error } = await timed('deriveTaskState (damaged log)', () =>
          deriveTaskState(dispatchDir, id, { ...classifiers, now: Date.parse('2026-11-24T09:00:00Z') }),
        );
        if (error !== undefined) {
          expect(error, String((error as Error).stack)).toBeInstanceOf(IpcError);
          expect((error as IpcError).message).toContain(events);
        } else {
          expect(typeof value!.state).toBe('string');
        }
      }),
      { numRuns: 600 },
    );
  });
});

describe('the config loader', () => {
  const file = join(temp, 'config.yaml');
  const YAML_PIECES = [
    'default: opus\n',
    'backends:\n',
    'models:\n',
    'aliases:\n',
    '  claude:\n',
    '    command: claude -p\n',
    '  opus: { backend: claude }\n',
    '&a ',
    '*a ',
    '[',
    ']',
    '{',
    '}',
    '- ',
    ': ',
    '"',
    "'",
    '#',
    '\t',
    '  ',
    '\n',
    '%YAML 1.2\n',
    '---\n',
    '...\n',
    '!!binary ',
    '<<: *a\n',
    '? ',
  ];

  /** A refusal must be a ConfigError naming the file, on one line, with a line inside the text. */
  function clearRefusal(error: unknown, text: string): void {
    expect(error, String((error as Error)?.stack)).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(['malformed-config', 'io']).toContain(e.code);
    expect(e.file).toBe(file);
    expect(e.message).not.toMatch(/[\r\n\u2028\u2029]/);
    expect(e.message.trim()).not.toBe('');
    if (e.line !== undefined) {
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.line).toBeLessThanOrEqual(text.split(/\r\n|\r|\n/).length + 1);
    }
  }

  it('loads or clearly refuses random bytes, damaged configs and YAML token soup', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
          fc.oneof(damaged(configs), tokens(YAML_PIECES, 120), anyText).map((t) => Buffer.from(t)),
        ),
        async (bytes) => {
          writeFileSync(file, bytes);
          const text = bytes.toString('utf8');
          const { error } = await timed('loadConfig', () => loadConfig(file));
          if (error !== undefined) clearRefusal(error, text);
          // The two steps on their own never throw: they return their errors.
          const { error: stepError } = await timed('parseConfigDocument + validateConfig', () =>
            validateConfig(parseConfigDocument(text, file).doc, file),
          );
          expect(stepError).toBeUndefined();
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('refuses YAML bombs and deep nesting quickly and clearly', async () => {
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      laughs.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const shapes = [
      laughs.join('\n'),
      `default: ${'['.repeat(20_000)}`,
      `${'- '.repeat(20_000)}x`,
      `models:\n${'  m: {backend: b}\n'.repeat(30_000)}`,
      `default: "${'\\'.repeat(100_000)}`,
      'x'.repeat(1024 * 1024 + 1),
    ];
    for (const text of shapes) {
      writeFileSync(file, text);
      const { error } = await timed('loadConfig (pathological)', () => loadConfig(file));
      clearRefusal(error, text);
    }
  });
});
