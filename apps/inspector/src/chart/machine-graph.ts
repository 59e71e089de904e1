import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';

/** A state of the machine, named by its path below the root (`running`, `live.running`). */
export interface GraphState {
  id: string;
  parent: string | null;
  initial: boolean;
  final: boolean;
  description: string | null;
  tags: string[];
  /** A frame the chart draws around states, not a state of the machine. */
  group?: boolean;
}

/** One drawn edge: the events leading from one state to another. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Every event that takes this way, in definition order. */
  events: string[];
  /** The events as drawn, comma-separated. */
  label: string;
}

/** States and edges of a machine, as the chart draws them. */
export interface MachineGraph {
  states: GraphState[];
  edges: GraphEdge[];
}

const pathOf = (node: AnyStateNode) => node.path.join('.');

/**
 * How an event is drawn: a delay `xstate.after.<delay>.<state id>` reads `after <delay>` (ms
 * numbers as seconds), eventless transitions `[always]`, anything else as it is.
 */
export function edgeLabel(event: string): string {
  const after = /^xstate\.after\.([^.]+)\./.exec(event);
  if (after) {
    const delay = after[1] ?? '';
    return /^\d+$/.test(delay) ? `after ${Number(delay) / 1000}s` : `after ${delay}`;
  }
  return event === '' ? '[always]' : event;
}

/** The frame drawn around a flat machine's non-final states, where its root's transitions start. */
export const LIVE_GROUP = 'live';

/**
 * The machine's states and transitions from xstate's own graph (`toDirectedGraph`), completed
 * with what it leaves out: `always` transitions, and transitions defined on the root, which apply
 * in every non-final state. A flat machine's non-final states are framed as one group, `live`
 * (drawn, not a state of the machine), and a root transition is drawn once, from the frame: one
 * `cancel` instead of one from every state, which buried the chart in lines. Targetless and self
 * transitions (facts that only update context) are not drawn; one edge per (source, target),
 * labelled with its events.
 */
export function machineGraph(machine: AnyStateMachine): MachineGraph {
  const states: GraphState[] = [];
  const edges = new Map<string, GraphEdge>();
  const root = machine.root;
  const addFrom = (source: string, target: AnyStateNode, event: string) => {
    const id = `${source}->${pathOf(target)}`;
    const edge = edges.get(id) ?? { id, source, target: pathOf(target), events: [], label: '' };
    if (!edge.events.includes(event)) edge.events.push(event);
    edge.label = edge.events.map(edgeLabel).join(', ');
    edges.set(id, edge);
  };
  const add = (source: AnyStateNode, target: AnyStateNode, event: string) => {
    if (target === root || source === target || source === root) return;
    addFrom(pathOf(source), target, event);
  };
  const walk = (g: DirectedGraphNode) => {
    const node = g.stateNode;
    if (node !== root) {
      const parent = node.parent && node.parent !== root ? pathOf(node.parent) : null;
      const initial = node.parent?.config.initial === node.key;
      states.push({
        id: pathOf(node),
        parent,
        initial,
        final: node.type === 'final',
        description: node.description ?? null,
        tags: [...node.tags],
      });
    }
    for (const e of g.edges) {
      if (e.source === root) continue;
      add(e.source, e.target, e.label.text);
    }
    for (const t of node.always ?? []) for (const target of t.target ?? []) add(node, target, '');
    g.children.forEach(walk);
  };
  walk(toDirectedGraph(machine));
  const leaves = (Object.values(root.states) as AnyStateNode[]).filter((n) => n.type !== 'final');
  const flat = states.every((s) => s.parent === null) && !states.some((s) => s.id === LIVE_GROUP);
  if (flat && root.transitions.size > 0) {
    for (const s of states) if (!s.final) s.parent = LIVE_GROUP;
    states.unshift({
      id: LIVE_GROUP,
      parent: null,
      initial: false,
      final: false,
      description: 'every state that is not final',
      tags: [],
      group: true,
    });
  }
  for (const [event, transitions] of root.transitions) {
    for (const t of transitions) {
      for (const target of t.target ?? []) {
        if (!flat) for (const node of leaves) add(node, target, event);
        else addFrom(LIVE_GROUP, target, event);
      }
    }
  }
  return { states, edges: [...edges.values()] };
}

/** The chart ids of the states a snapshot value is in (`'running'`, `{ live: 'running' }`). */
export function activeStates(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, inner]) => [
    `${prefix}${key}`,
    ...activeStates(inner, `${prefix}${key}.`),
  ]);
}
