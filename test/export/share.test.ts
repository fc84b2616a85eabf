import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeShareString, encodeShareString, readSharedGraph, shareLink } from '../../engine/export/share.js';
import { decodeShareStringAsync, encodeShareStringAsync, readSharedGraphAsync } from '../../engine/export/shareBrowser.js';
import { frameShareString, ShareError } from '../../engine/export/shareFormat.js';
import { templateGraphs } from './exportCases.js';
import { kindGraphs } from './graphs.js';

const graphs = [...templateGraphs().map((t) => [t.name, t.graph] as const), ...Object.entries(kindGraphs)];
const URL_SAFE = /^[A-Za-z0-9._-]+$/;

/** The string with the character at `at` replaced by a different one of the same alphabet. */
function changeCharacter(s: string, at: number): string {
  return s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ShareError);
    return (err as Error).message;
  }
  throw new Error('expected a ShareError');
}

async function asyncErrorOf(f: () => Promise<unknown>): Promise<string> {
  const err = await f().then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ShareError);
  return (err as Error).message;
}

describe.each(graphs)('share string of %s', (_name, graph) => {
  it('round-trips the whole graph through URL-safe characters only, compressed', () => {
    const s = encodeShareString(graph);
    expect(s).toMatch(/^tl1\./);
    expect(s).toMatch(URL_SAFE);
    expect(encodeURIComponent(s)).toBe(s);
    expect(decodeShareString(s)).toEqual(graph);
    expect(s.length).toBeLessThan(JSON.stringify(graph).length);
  });

  it('opens from a link, from pasted JSON, and the same way in the browser implementation', async () => {
    const s = encodeShareString(graph);
    const link = shareLink('http://127.0.0.1:5173/', s);
    expect(link).toBe(`http://127.0.0.1:5173/#graph=${s}`);
    expect(readSharedGraph(link)).toEqual(graph);
    expect(readSharedGraph(JSON.stringify(graph, null, 2))).toEqual(graph);
    // CompressionStream('deflate-raw') and node:zlib read each other's strings.
    const fromBrowser = await encodeShareStringAsync(graph);
    expect(decodeShareString(fromBrowser)).toEqual(graph);
    expect(await decodeShareStringAsync(s)).toEqual(graph);
    expect(await readSharedGraphAsync(`${link}\n`)).toEqual(graph);
  });
});

describe('damaged share strings', () => {
  const graph = kindGraphs.tokens;
  const s = encodeShareString(graph);

  it('say that a changed character damaged the string, in both implementations', async () => {
    for (const at of [6, Math.floor(s.length / 2), s.length - 3]) {
      const damaged = changeCharacter(s, at);
      expect(errorOf(() => decodeShareString(damaged))).toMatch(/damaged/);
      expect(await asyncErrorOf(() => decodeShareStringAsync(damaged))).toMatch(/damaged/);
    }
  });

  it('say that a string cut short is incomplete', async () => {
    for (const cut of [s.slice(0, s.length - 7), s.slice(0, 9)]) {
      expect(errorOf(() => decodeShareString(cut))).toMatch(/cut short|damaged/);
      expect(await asyncErrorOf(() => decodeShareStringAsync(cut))).toMatch(/cut short|damaged/);
    }
  });

  it('name a character that cannot be in a share string, and its position', () => {
    const withSpace = `${s.slice(0, 20)}%${s.slice(20)}`;
    expect(errorOf(() => decodeShareString(withSpace))).toBe(
      'the share string is damaged: character "%" at position 21 cannot be in one (only letters, digits, - and _); copy the whole link again',
    );
  });

  it('tell other text and newer formats apart', () => {
    expect(errorOf(() => decodeShareString('hello world'))).toBe('this is not a Tensorloom share string: one starts with "tl1."');
    expect(errorOf(() => decodeShareString(`tl2.${s.slice(4)}`))).toMatch(/format tl2, which this version of Tensorloom cannot read/);
    expect(errorOf(() => readSharedGraph('{"format": "tensorloom.graph", '))).toMatch(/neither a share string nor graph JSON/);
  });

  it('refuse intact strings that hold no graph, saying where the graph is wrong', () => {
    const json = new TextEncoder().encode(JSON.stringify({ ...graph, nodes: [{ id: 'a b', type: 'Linear' }] }));
    const notAGraph = frameShareString(json, deflateRawSync(json));
    expect(errorOf(() => decodeShareString(notAGraph))).toMatch(/^this is not a Tensorloom graph \(nodes\.0\.id: /);
  });

  it('refuse a string that would unpack to more than a graph file may hold', async () => {
    const huge = new Uint8Array(21 * 1024 * 1024).fill(32);
    const bomb = frameShareString(huge, deflateRawSync(huge));
    expect(bomb.length).toBeLessThan(100_000);
    expect(errorOf(() => decodeShareString(bomb))).toMatch(/more than 20 MB/);
    expect(await asyncErrorOf(() => decodeShareStringAsync(bomb))).toMatch(/more than 20 MB/);
  });
});
