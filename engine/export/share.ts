import { deflateRawSync, inflateRawSync, constants } from 'node:zlib';
import type { Graph } from '../graph/schema.js';
import {
  frameShareString,
  graphFromJsonBytes,
  graphFromJsonText,
  graphToJsonBytes,
  isShareText,
  MAX_SHARED_GRAPH_BYTES,
  ShareError,
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
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ShareError(`the share string unpacks to more than ${MAX_SHARED_GRAPH_BYTES / 1024 ** 2} MB, more than a graph may be`);
    }
    throw new ShareError('the share string is damaged or cut short (its compressed data does not unpack): copy the whole link again');
  }
  return graphFromJsonBytes(new Uint8Array(json.buffer, json.byteOffset, json.byteLength), crc);
}

/** A graph from pasted text: graph JSON (copied from another window), a share string, or a link. */
export function readSharedGraph(text: string): Graph {
  return isShareText(text) ? decodeShareString(text) : graphFromJsonText(text);
}
