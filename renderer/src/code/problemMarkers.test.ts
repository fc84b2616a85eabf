import { describe, expect, it } from 'vitest';
import { graphToText } from '../doc/newGraph.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { problemMarkers, splitPath } from './problemMarkers.js';

describe('problem markers', () => {
  const graph = spiralGraph();
  const text = graphToText(graph);
  const lineOf = (needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('splits problem paths into JSON path segments', () => {
    expect(splitPath('nodes[3].params.units')).toEqual(['nodes', 3, 'params', 'units']);
    expect(splitPath('dataset.params.noise')).toEqual(['dataset', 'params', 'noise']);
  });

  it('marks a parameter problem on the line of that parameter', () => {
    const [m] = problemMarkers(text, [{ severity: 'error', code: 'param', message: 'units must be…', nodeId: 'out', param: 'units', path: 'nodes[3].params.units' }], graph);
    expect(m.startLineNumber).toBe(lineOf('"units": 2'));
    expect(m.message).toBe('units must be…');
  });

  it('marks a shape problem without a path on the node it names', () => {
    const [m] = problemMarkers(text, [{ severity: 'error', code: 'shape', message: 'bad labels', nodeId: 'loss', port: 'labels' }], graph);
    expect(m.startLineNumber).toBe(lineOf('"type": "CrossEntropy"'));
  });
});
