import type { ChartEdge, ChartResponse } from '../../shared/api-types.js';

/** The transition to mark as the last one taken. */
export interface LastTransition {
  from: string;
  to: string;
  event: string;
}

const path = (e: ChartEdge) =>
  e.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

/**
 * The machine as SVG, from the server's ELK layout: the current state filled and marked
 * `data-current`, the events possible from it green (`data-next`), the last transition amber
 * (`data-last`).
 */
export function StateChart(props: {
  chart: ChartResponse;
  current: string;
  last: LastTransition | null;
  historic: boolean;
}) {
  const { chart, current, last } = props;
  // An edge from a frame (`live`'s cancel) leaves every state inside it.
  const parents = new Map(chart.nodes.map((n) => [n.id, n.parent]));
  const leaves = (edge: ChartEdge, state: string): boolean => {
    for (let s: string | null | undefined = state; s; s = parents.get(s)) if (edge.source === s) return true;
    return false;
  };
  const role = (e: ChartEdge) => {
    if (last && leaves(e, last.from) && e.target === last.to && e.events.includes(last.event)) return 'last';
    return leaves(e, current) ? 'next' : 'idle';
  };
  // Drawn in order: idle edges under the marked ones.
  const order = { idle: 0, next: 1, last: 2 } as const;
  const edges = [...chart.edges].sort((a, b) => order[role(a)] - order[role(b)]);
  const pad = 28;
  const node = (n: ChartResponse['nodes'][number]) => {
    const isCurrent = n.id === current;
    return (
      <g
        class={`node${isCurrent ? ' current' : ''}${n.final ? ' final' : ''}${n.compound ? ' compound' : ''}${n.group ? ' group' : ''}`}
        {...(n.group ? { 'data-group': n.id } : { 'data-state': n.id })}
        {...(isCurrent && { 'data-current': 'true' })}
      >
        <title>{`${n.id}${n.description ? `: ${n.description}` : ''}`}</title>
        {n.initial && (
          <g class="initial">
            <circle cx={n.x - 22} cy={n.y + n.height / 2} r="4" />
            <path
              d={`M${n.x - 18},${n.y + n.height / 2} L${n.x - 2},${n.y + n.height / 2}`}
              marker-end="url(#arrow-idle)"
            />
          </g>
        )}
        <rect x={n.x} y={n.y} width={n.width} height={n.height} rx="7" />
        {n.final && <rect class="inner" x={n.x + 3} y={n.y + 3} width={n.width - 6} height={n.height - 6} rx="5" />}
        {n.compound ? (
          <text class="compound-label" x={n.x + 8} y={n.y + 16}>
            {n.id.split('.').pop()}
          </text>
        ) : (
          <text x={n.x + n.width / 2} y={n.y + n.height / 2 + 4}>
            {n.id.split('.').pop()}
          </text>
        )}
      </g>
    );
  };
  return (
    <svg
      class={`chart${props.historic ? ' historic' : ''}`}
      viewBox={`${-pad} 0 ${chart.width + pad} ${chart.height}`}
      role="img"
      aria-label={`state machine, current state ${current}`}
      data-testid="chart"
    >
      <defs>
        {(['idle', 'next', 'last'] as const).map((r) => (
          <marker
            id={`arrow-${r}`}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto-start-reverse"
          >
            <path d="M0,0 L10,5 L0,10 z" class={`arrowhead ${r}`} />
          </marker>
        ))}
      </defs>
      {/* Frames under the edges that cross them, states over the edges. */}
      {chart.nodes.filter((n) => n.compound).map(node)}
      {edges.map((e) => {
        const r = role(e);
        return (
          <g
            class={`edge ${r}`}
            data-edge={e.id}
            data-events={e.events.join(' ')}
            {...(r === 'next' && { 'data-next': 'true' })}
            {...(r === 'last' && { 'data-last': 'true' })}
          >
            <path d={path(e)} marker-end={`url(#arrow-${r})`} />
            {e.labelBox && (
              <g class="edge-label">
                <rect x={e.labelBox.x} y={e.labelBox.y} width={e.labelBox.width} height={e.labelBox.height} rx="8" />
                <text x={e.labelBox.x + e.labelBox.width / 2} y={e.labelBox.y + e.labelBox.height / 2 + 3.5}>
                  {e.label}
                </text>
              </g>
            )}
          </g>
        );
      })}
      {chart.nodes.filter((n) => !n.compound).map(node)}
    </svg>
  );
}
