import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { Graph } from '../graph/schema.js';
import {
  frameShareString,
  graphFromJsonBytes,
  graphToJsonBytes,
  MAX_SHARED_GRAPH_BYTES,
  readPastedGraph,
  shareDataDamagedError,
  shareTooLargeError,
  unframeShareString,
} from './shareFormat.js';

export { ShareError, shareLink, SHARE_PREFIX } from './shareFormat.js';

/**
 * Share strings on the Node side (engine, CLI, tests), with node:zlib. The format is in
 * shareFormat.ts; shareBrowser.ts reads and writes the same strings in the app's renderer.
 */
export function encodeShareString(graph: Graph): string {
  const json = graphToJsonBytes(graph);
  return frameShareString(json, deflateRawSync(json, { level: constants.Z_BEST_COMPRESSION }));
}

/** The graph in a share string or a link holding one; a ShareError says what is wrong. */
export function decodeShareString(text: string): Graph {
  const { crc, compressed } = unframeShareString(text);
  let json: Buffer;
  try {
    json = inflateRawSync(compressed, { maxOutputLength: MAX_SHARED_GRAPH_BYTES });
  } catch (err) {
    throw (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? shareTooLargeError() : shareDataDamagedError();
  }
  return graphFromJsonBytes(new Uint8Array(json.buffer, json.byteOffset, json.byteLength), crc);
}

/** A graph from pasted text: graph JSON (copied from another window), a share string, or a link. */
export function readSharedGraph(text: string): Graph {
  return readPastedGraph(text, decodeShareString);
}
