import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listIpc, readAnswer } from '@dispatch/ipc-fs';
import {
  assertFreshBuild,
  checkInvariants,
  createWorkspace,
  latencyFigures,
  reportFigures,
  startWallClock,
  waitFor,
  workerDoubleConfig,
  type Workspace,
} from '../harness/index.js';

// Scenario 7: racing answers. Each round, 8 `dispatch answer` processes race to answer the one
// pending question: exactly one complete answer lands, the 7 others get one clear line and exit 2.
const ROUNDS = 100;
const RACERS = 8;

beforeAll(assertFreshBuild);
let ws: Workspace | undefined;
afterAll(() => ws?.dispose());

/** A long answer (~16 KB), unique to its racer and round, so a torn or mixed one would show. */
const answerText = (racer: number, round: number) =>
  Array.from({ length: 400 }, (_, line) => `racer ${racer} round ${round} line ${line} ${'·'.repeat(16)}`).join('\n');

describe('07 racing answers', () => {
  it(`${RACERS} answerers × ${ROUNDS} rounds: one complete answer each time, ${RACERS - 1} clear errors`, async () => {
    const wall = startWallClock();
    ws = createWorkspace('race', {
      config: workerDoubleConfig('racer', 'paced-asker.sh'),
      env: { DISPATCH_DAEMON_IDLE_MS: '10000' },
    });
    const w = ws;
    await w.run(
      'race',
      Array.from({ length: ROUNDS }, (_, i) => `round ${i + 1}`),
      { model: 'racer' },
    );
    const go = join(w.paths('race').dir, 'go');
    mkdirSync(go, { recursive: true });

    const wins = new Array<number>(RACERS).fill(0);
    const loserLines = new Map<string, number>();
    const raceMs: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      writeFileSync(join(go, String(round)), ''); // the worker double asks question `round` now
      await waitFor(async () => (await listIpc(w.paths('race').ipc)).questions.includes(round), {
        what: `question ${round}`,
      });
      const start = performance.now();
      const results = await Promise.all(
        Array.from({ length: RACERS }, (_, racer) =>
          w.dispatch(['answer', 'race', '-'], { input: answerText(racer, round) }),
        ),
      );
      raceMs.push(performance.now() - start);

      const winners = results.flatMap((r, racer) => (r.exitCode === 0 ? [racer] : []));
      expect(
        winners,
        `round ${round}: ${results.map((r) => `${r.exitCode} ${String(r.stderr)}`).join(' | ')}`,
      ).toHaveLength(1);
      const winner = winners[0]!;
      wins[winner]! += 1;
      expect(String(results[winner]!.stdout)).toBe(`answered #${round} of race`);
      for (const [racer, r] of results.entries()) {
        if (racer === winner) continue;
        const stderr = String(r.stderr);
        expect(r.exitCode, stderr).toBe(2);
        expect(stderr.trimEnd().split('\n'), stderr).toHaveLength(1);
        expect(stderr).toMatch(new RegExp(`^dispatch: question ${round} of race is already answered`));
        const form = stderr.trim().replace(/\d+/g, 'N');
        loserLines.set(form, (loserLines.get(form) ?? 0) + 1);
      }
      // One complete answer: the winner's text, byte for byte.
      expect(await readAnswer(w.paths('race').ipc, round)).toBe(answerText(winner, round));
    }

    await waitFor(async () => (await w.state('race')) === 'completed', { what: 'the task to complete' });
    const report = await checkInvariants(w);
    expect(report.states).toEqual({ completed: 1 });
    expect([report.questions, report.answers, report.acks]).toEqual([ROUNDS, ROUNDS, ROUNDS]);

    reportFigures(
      '07 racing answers',
      {
        rounds: ROUNDS,
        'answerers per round': RACERS,
        'one complete answer': ROUNDS,
        'clear errors (exit 2, one line)': [...loserLines.values()].reduce((a, b) => a + b, 0),
        'distinct winners': wins.filter((n) => n > 0).length,
        'wins per racer': wins.join(' '),
        ...Object.fromEntries([...loserLines].map(([line, n]) => [`loser said "${line}"`, n])),
        ...latencyFigures(`round (${RACERS} processes)`, raceMs),
      },
      wall.seconds(),
    );
  });
});
