import { describe, expect, it } from 'vitest';
import { encodeShareStringAsync, shareLink } from '../../../engine/export/shareBrowser.js';
import { copyNodes } from '../doc/graphEdits.js';
import { spiralGraph } from '../doc/testGraphs.js';
import { fragmentToText, readPastedText } from './clipboardFormat.js';

describe('pasted text', () => {
  it('reads back copied nodes with the edges between them, and nothing else', () => {
    const clip = copyNodes(spiralGraph(), ['h1', 'a1']);
    const text = fragmentToText(clip);
    expect(JSON.parse(text)).toMatchObject({ format: 'tensorloom.fragment', version: 1 });
    const read = readPastedText(`\n${text}`);
    expect(read).toEqual({ kind: 'fragment', clip: { nodes: clip.nodes, edges: [{ source: 'h1', target: 'a1' }] } });
  });

  it('tells a whole graph, a share string and a share link apart', async () => {
    const graph = spiralGraph();
    expect(readPastedText(JSON.stringify(graph, null, 2))).toEqual({ kind: 'graph', graph });
    const s = await encodeShareStringAsync(graph);
    expect(readPastedText(s)).toEqual({ kind: 'share', text: s });
    expect(readPastedText(` ${shareLink('http://127.0.0.1:5173/', s)}\n`)).toMatchObject({ kind: 'share' });
  });

  it('refuses damaged fragments, naming the field at fault', () => {
    const fragment = JSON.parse(fragmentToText(copyNodes(spiralGraph(), ['h1', 'a1'])));
    fragment.edges.push({ source: 'a1', target: 'gone' });
    expect(readPastedText(JSON.stringify(fragment))).toEqual({ kind: 'none', reason: 'the copied nodes are damaged (edges.1.target: no node "gone" in the fragment)' });
    fragment.edges.pop();
    fragment.nodes[1].id = 'h1';
    expect(readPastedText(JSON.stringify(fragment))).toMatchObject({ kind: 'none', reason: expect.stringMatching(/nodes\.1\.id: the id "h1" is used twice/) });
    fragment.nodes[1] = { id: 'x', type: 'ReLU', position: { x: 'left', y: 0 } };
    expect(readPastedText(JSON.stringify(fragment))).toMatchObject({ kind: 'none', reason: expect.stringMatching(/nodes\.1\.position\.x/) });
  });

  it('says that other text is not a graph, without running or trusting any of it', () => {
    expect(readPastedText('')).toEqual({ kind: 'none', reason: 'the clipboard is empty' });
    expect(readPastedText('hello world')).toEqual({ kind: 'none', reason: 'the clipboard holds text, not a Tensorloom graph' });
    expect(readPastedText('{"nodes": [], ')).toMatchObject({ kind: 'none', reason: expect.stringMatching(/not JSON/) });
    expect(readPastedText('{"nodes": [], "edges": []}')).toMatchObject({ kind: 'none', reason: 'the clipboard holds JSON that is not a Tensorloom graph' });
    const graph = { ...spiralGraph(), version: 2 };
    expect(readPastedText(JSON.stringify(graph))).toMatchObject({ kind: 'none', reason: expect.stringMatching(/^the copied graph is not valid \(version/) });
  });
});
