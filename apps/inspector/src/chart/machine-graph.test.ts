import { taskMachine } from '@dispatch/core';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { activeStates, edgeLabel, LIVE_GROUP, machineGraph } from './machine-graph.js';
import { taskChart } from './task-chart.js';

describe('machineGraph', () => {
  it('draws every state of the task machine and the transitions of the lifecycle', () => {
    const { states, edges } = machineGraph(taskMachine);
    expect(states.map((s) => s.id)).toEqual([LIVE_GROUP, ...Object.keys(taskMachine.root.states)]);
    expect(states.find((s) => s.id === 'queued')?.initial).toBe(true);
    expect(
      states
        .filter((s) => s.final)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['cancelled', 'completed']);
    const has = (source: string, target: string, event: string) =>
      edges.some((e) => e.source === source && e.target === target && e.events.includes(event));
    expect(has('running', 'awaiting-answer', 'question.asked')).toBe(true);
    expect(has('awaiting-answer', 'running', 'question.answered')).toBe(true);
    expect(has('failed', 'recovering', 'retry')).toBe(true);
    // The root's cancel applies in every non-final state: drawn once, from the frame around them.
    const live = states.filter((x) => !x.final && x.id !== LIVE_GROUP);
    expect(live.map((x) => x.parent)).toEqual(live.map(() => LIVE_GROUP));
    expect(states.filter((x) => x.final).map((x) => x.parent)).toEqual([null, null]);
    expect(has(LIVE_GROUP, 'cancelled', 'cancel')).toBe(true);
    expect(edges.filter((e) => e.events.includes('cancel'))).toHaveLength(1);
    expect(edges.some((e) => e.source === e.target)).toBe(false);
    expect(new Set(edges.map((e) => `${e.source}>${e.target}`)).size).toBe(edges.length);
  });

  it('adds always transitions and names delays', () => {
    const m = setup({}).createMachine({
      id: 'm',
      initial: 'a',
      states: { a: { always: { target: 'b' } }, b: { after: { 5000: 'c' } }, c: { type: 'final' } },
    });
    const { edges } = machineGraph(m);
    expect(edges.map((e) => `${e.source}>${e.target}:${e.label}`)).toEqual(
      expect.arrayContaining(['a>b:[always]', 'b>c:after 5s']),
    );
    expect(edgeLabel('xstate.after.answerTimeout.task.x')).toBe('after answerTimeout');
  });

  it('names the states a snapshot value is in, nested ones by path', () => {
    expect(activeStates('running')).toEqual(['running']);
    expect(activeStates({ live: 'running' })).toEqual(['live', 'live.running']);
  });
});

describe('taskChart', () => {
  it('lays the machine out with ELK as plain coordinates', async () => {
    const chart = await taskChart();
    expect(chart.nodes).toHaveLength(Object.keys(taskMachine.root.states).length + 1);
    // The frame holds every non-final state.
    const frame = chart.nodes.find((n) => n.id === LIVE_GROUP)!;
    expect(frame.group).toBe(true);
    for (const n of chart.nodes.filter((x) => x.parent === LIVE_GROUP)) {
      expect(n.x).toBeGreaterThanOrEqual(frame.x);
      expect(n.x + n.width).toBeLessThanOrEqual(frame.x + frame.width);
    }
    for (const n of chart.nodes) expect(n.width).toBeGreaterThan(0);
    for (const e of chart.edges) expect(e.points.length).toBeGreaterThanOrEqual(2);
    expect(chart.mermaid).toMatch(/^stateDiagram-v2/);
    // Orthogonal routing: every segment is horizontal or vertical.
    for (const e of chart.edges) {
      for (let i = 1; i < e.points.length; i++) {
        const [a, b] = [e.points[i - 1]!, e.points[i]!];
        expect(Math.abs(a.x - b.x) < 0.5 || Math.abs(a.y - b.y) < 0.5).toBe(true);
      }
    }
  });
});

describe('layoutChart', () => {
  it('lays compound states out around their children, in absolute coordinates', async () => {
    const { layoutChart } = await import('./layout.js');
    const m = setup({}).createMachine({
      id: 'c',
      initial: 'idle',
      states: {
        idle: { on: { go: 'live' } },
        live: { initial: 'a', states: { a: { on: { next: 'b' } }, b: {} }, on: { stop: 'done' } },
        done: { type: 'final' },
      },
    });
    const chart = await layoutChart(machineGraph(m), '');
    const node = (id: string) => chart.nodes.find((n) => n.id === id)!;
    expect(chart.nodes.map((n) => n.id).sort()).toEqual(['done', 'idle', 'live', 'live.a', 'live.b']);
    for (const child of [node('live.a'), node('live.b')]) {
      expect(child.x).toBeGreaterThanOrEqual(node('live').x);
      expect(child.y).toBeGreaterThanOrEqual(node('live').y);
      expect(child.x + child.width).toBeLessThanOrEqual(node('live').x + node('live').width);
      expect(child.y + child.height).toBeLessThanOrEqual(node('live').y + node('live').height);
    }
    expect(chart.edges.find((e) => e.id === 'live.a->live.b')?.points.length).toBeGreaterThanOrEqual(2);
  });
});
