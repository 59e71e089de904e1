import type { AnyStateMachine, AnyStateNode } from 'xstate';

const mermaidId = (key: string) => key.replaceAll('-', '_');

/**
 * The machine as a Mermaid `stateDiagram-v2`, drawn from its definition (never by hand): one edge
 * per transition with its event (guarded alternatives to one target merged), `always` edges
 * labelled `[always]`, final states to `[*]`. Mermaid needs `_` where the machine says `-`.
 * @example toMermaid(taskMachine) // 'stateDiagram-v2\n  [*] --> queued\n  ...'
 */
export function toMermaid(machine: AnyStateMachine): string {
  const root = machine.root;
  const lines = ['stateDiagram-v2', `  [*] --> ${mermaidId(String(root.config.initial))}`];
  const seen = new Set<string>();
  const edge = (from: AnyStateNode, to: AnyStateNode | undefined, label: string) => {
    if (!to || to === root) return;
    const line = `  ${mermaidId(from.key)} --> ${mermaidId(to.key)}: ${label}`;
    if (!seen.has(line)) lines.push(line);
    seen.add(line);
  };
  const states = Object.values(root.states) as AnyStateNode[];
  for (const node of states) {
    for (const [event, transitions] of node.transitions) {
      for (const t of transitions) for (const target of t.target ?? []) edge(node, target, event);
    }
  }
  // An eventless (`always`) edge is drawn only where no event already leads the same way.
  for (const node of states) {
    for (const t of node.always ?? []) {
      for (const target of t.target ?? []) {
        const prefix = `  ${mermaidId(node.key)} --> ${mermaidId(target.key)}:`;
        if (![...seen].some((l) => l.startsWith(prefix))) edge(node, target, '[always]');
      }
    }
  }
  // Transitions defined on the machine itself apply in every non-final state.
  for (const [event, transitions] of root.transitions) {
    for (const t of transitions) {
      for (const target of t.target ?? []) {
        for (const node of states) if (node.type !== 'final' && node !== target) edge(node, target, event);
      }
    }
  }
  for (const node of states) if (node.type === 'final') lines.push(`  ${mermaidId(node.key)} --> [*]`);
  return `${lines.join('\n')}\n`;
}
