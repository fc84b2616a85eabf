import type { Graph } from '../graph/schema.js';
import {
  frameShareString,
  graphFromJsonBytes,
  graphToJsonBytes,
  MAX_SHARED_GRAPH_BYTES,
  readPastedGraph,
  shareDataDamagedError,
  ShareError,
  shareTooLargeError,
  unframeShareString,
} from './shareFormat.js';

export { ShareError, shareLink, SHARE_PREFIX } from './shareFormat.js';

/**
 * Share strings in the app's renderer (Chromium) and any runtime with the Compression
 * Streams API (Chromium ≥ 103 and Node ≥ 20.12 have 'deflate-raw'): the same format as
 * share.ts, which uses node:zlib. Asynchronous, as the streams are.
 */
export async function encodeShareStringAsync(graph: Graph): Promise<string> {
  const json = graphToJsonBytes(graph);
  return frameShareString(json, await pump(json, new CompressionStream('deflate-raw'), Infinity));
}

export async function decodeShareStringAsync(text: string): Promise<Graph> {
  const { crc, compressed } = unframeShareString(text);
  let json: Uint8Array;
  try {
    json = await pump(compressed, new DecompressionStream('deflate-raw'), MAX_SHARED_GRAPH_BYTES);
  } catch (err) {
    if (err instanceof ShareError) throw err;
    throw shareDataDamagedError();
  }
  return graphFromJsonBytes(json, crc);
}

/** A graph from pasted text: graph JSON (copied from another window), a share string, or a link. */
export async function readSharedGraphAsync(text: string): Promise<Graph> {
  return readPastedGraph(text, decodeShareStringAsync);
}

/** Runs bytes through a (de)compression stream, stopping past `limit` output bytes. */
async function pump(input: Uint8Array, stream: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Errors surface on the reading side; the write promises are awaited there too.
  const written = writer.write(input as Uint8Array<ArrayBuffer>).then(() => writer.close());
  written.catch(() => {});
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw shareTooLargeError();
    }
    chunks.push(value);
  }
  await written;
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
