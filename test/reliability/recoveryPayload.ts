/**
 * Two large autosave texts (a recovery record holding a graph of a few thousand nodes,
 * about 1 MB), different all through, so a torn file cannot pass for either.
 */
export function recoveryText(version: 'A' | 'B'): string {
  const nodes = Array.from({ length: 6000 }, (_, i) => ({
    id: `linear${i}`,
    type: 'Linear',
    params: { units: version === 'A' ? 1 + (i % 97) : 200 + (i % 89) },
    position: { x: (i % 50) * 220, y: Math.floor(i / 50) * 140 },
  }));
  const graph = { format: 'tensorloom.graph', version: 1, meta: { title: `version ${version}` }, dataset: { name: 'spirals' }, nodes, edges: [] };
  return JSON.stringify({ kind: 'tensorloom.recovery', file: { path: null, name: `${version}.loom.json` }, graph: JSON.stringify(graph, null, 2) });
}
