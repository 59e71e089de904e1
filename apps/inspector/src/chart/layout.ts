import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { ChartEdge, ChartNode, ChartResponse } from '../shared/api-types.js';
import type { MachineGraph } from './machine-graph.js';

const CHAR_W = 7;
const NODE_H = 32;
const LABEL_H = 14;
const LABEL_CHAR_W = 5.8;

const OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '90',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '14',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  // The machine's own order (queued first) decides which edges of a cycle point backwards.
  'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.padding': '[top=24,left=24,bottom=24,right=24]',
};

/** The ELK graph of a machine graph: states as nodes (compound ones holding their children). */
function toElk(graph: MachineGraph): ElkNode {
  const nodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: '__root', layoutOptions: OPTIONS, children: [], edges: [] };
  for (const s of graph.states) {
    nodes.set(s.id, { id: s.id, width: s.id.split('.').pop()!.length * CHAR_W + 32, height: NODE_H, children: [] });
  }
  for (const s of graph.states) {
    const parent = s.parent ? nodes.get(s.parent) : root;
    parent!.children!.push(nodes.get(s.id)!);
  }
  for (const n of nodes.values()) {
    if (n.children!.length > 0) {
      delete n.width;
      delete n.height;
      // Inside a frame ELK's model-order cycle breaking fails (elkjs 0.12); depth-first keeps
      // the lifecycle's order (queued, starting, running, awaiting-answer, …) left to right.
      n.layoutOptions = {
        'elk.layered.cycleBreaking.strategy': 'DEPTH_FIRST',
        'elk.padding': '[top=28,left=32,bottom=16,right=16]',
      };
    }
  }
  // Each edge goes in the lowest frame holding both its ends, as ELK expects: edges left at the
  // root between states of one frame were laid out against the machine's order.
  const parentOf = new Map(graph.states.map((s) => [s.id, s.parent]));
  const chain = (id: string) => {
    const out: string[] = [];
    for (let p = parentOf.get(id) ?? null; p !== null; p = parentOf.get(p) ?? null) out.push(p);
    return out;
  };
  for (const e of graph.edges) {
    const up = chain(e.target);
    const container = chain(e.source).find((p) => p !== e.target && up.includes(p));
    const holder = container ? nodes.get(container)! : root;
    (holder.edges ??= []).push({ id: e.id, sources: [e.source], targets: [e.target] } satisfies ElkExtendedEdge);
  }
  return root;
}

type Box = { x: number; y: number; width: number; height: number };

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Where an edge's label goes: on one of its horizontal segments, the longest first, at the first
 * of a few spots along it that no node or label placed before covers (else the longest segment's
 * middle). ELK's own label placement gives every label a layer of its own, which made the chart
 * three times as wide.
 */
function labelBoxOf(label: string, points: readonly { x: number; y: number }[], taken: Box[]): ChartEdge['labelBox'] {
  const width = label.length * LABEL_CHAR_W + 10;
  const segments: { x1: number; x2: number; y: number }[] = [];
  for (let i = 1; i < points.length; i++) {
    const [a, b] = [points[i - 1]!, points[i]!];
    if (Math.abs(a.y - b.y) < 0.5) segments.push({ x1: Math.min(a.x, b.x), x2: Math.max(a.x, b.x), y: a.y });
  }
  if (segments.length === 0) return null;
  segments.sort((p, q) => q.x2 - q.x1 - (p.x2 - p.x1));
  const at = (seg: (typeof segments)[number], f: number): Box => ({
    x: seg.x1 + (seg.x2 - seg.x1) * f - width / 2,
    y: seg.y - LABEL_H / 2,
    width,
    height: LABEL_H,
  });
  for (const seg of segments) {
    for (const f of [0.5, 0.3, 0.7, 0.15, 0.85]) {
      const box = at(seg, f);
      if (box.x < seg.x1 - 4 || box.x + width > seg.x2 + 4) continue;
      if (!taken.some((t) => overlaps(t, box))) return box;
    }
  }
  return at(segments[0]!, 0.5);
}

/** Absolute positions of every laid-out node (ELK's are relative to their parent). */
function absolute(node: ElkNode, dx: number, dy: number, into: Map<string, { x: number; y: number; node: ElkNode }>) {
  for (const child of node.children ?? []) {
    const x = dx + (child.x ?? 0);
    const y = dy + (child.y ?? 0);
    into.set(child.id, { x, y, node: child });
    absolute(child, x, y, into);
  }
}

/** ELK, loaded on first use (a CommonJS module: its class is the default export, or its default). */
async function loadElk(): Promise<ELK> {
  const mod = (await import('elkjs/lib/elk.bundled.js')) as unknown as { default: unknown };
  const Elk = ((mod.default as { default?: unknown }).default ?? mod.default) as new () => ELK;
  return new Elk();
}

/**
 * Lays a machine graph out with ELK (layered, orthogonal edges, compound states) and returns plain
 * coordinates the browser draws as SVG. ELK is loaded here, on first use: it takes seconds.
 */
export async function layoutChart(graph: MachineGraph, mermaid: string): Promise<ChartResponse> {
  const laid = await (await loadElk()).layout(toElk(graph));
  const positions = new Map<string, { x: number; y: number; node: ElkNode }>();
  absolute(laid, 0, 0, positions);
  const byId = new Map(graph.states.map((s) => [s.id, s]));
  const nodes: ChartNode[] = [...positions].map(([id, p]) => {
    const s = byId.get(id)!;
    return {
      id,
      x: p.x,
      y: p.y,
      width: p.node.width ?? 0,
      height: p.node.height ?? 0,
      final: s.final,
      initial: s.initial,
      compound: (p.node.children ?? []).length > 0,
      parent: s.parent,
      group: s.group === true,
      description: s.description,
      tags: s.tags,
    };
  });
  const taken: Box[] = nodes
    .filter((n) => !n.compound)
    .map((n) => ({ x: n.x - 2, y: n.y - 2, width: n.width + 4, height: n.height + 4 }));
  // Every laid-out edge, from the frame it was put in; its coordinates are relative to that frame
  // (ELK's `container`, which is the frame itself).
  const laidEdges: ElkExtendedEdge[] = [];
  const collect = (node: ElkNode) => {
    laidEdges.push(...(node.edges ?? []));
    for (const child of node.children ?? []) collect(child);
  };
  collect(laid);
  const edges: ChartEdge[] = laidEdges.map((e) => {
    const edge = graph.edges.find((g) => g.id === e.id)!;
    const container = (e as { container?: string }).container;
    const offset = container && container !== '__root' ? positions.get(container) : undefined;
    const ox = offset?.x ?? 0;
    const oy = offset?.y ?? 0;
    const points = (e.sections ?? [])
      .flatMap((s) => [s.startPoint, ...(s.bendPoints ?? []), s.endPoint])
      .map((p) => ({ x: p.x + ox, y: p.y + oy }));
    const labelBox = labelBoxOf(edge.label, points, taken);
    if (labelBox) taken.push(labelBox);
    return { ...edge, points, labelBox };
  });
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, edges, mermaid };
}
