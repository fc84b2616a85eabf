import { GraphSchema, type Graph } from '../graph/schema.js';

/**
 * The share string: a whole graph in a URL-safe line a workshop can hand out as a link.
 *
 *   "tl1." + base64url( CRC-32 of the JSON, 4 bytes big-endian ‖ deflate-raw(JSON, UTF-8) )
 *
 * - `tl1.` names the format and its version (a later format takes tl2.).
 * - base64url (RFC 4648 §5, no padding) uses only A–Z a–z 0–9 - _, so the string can sit in
 *   a URL's query or fragment unescaped; `#graph=<string>` is the link form (a fragment
 *   never reaches a server).
 * - deflate-raw (RFC 1951) is what node:zlib's deflateRawSync and the browsers'
 *   CompressionStream('deflate-raw') both produce, so Node (share.ts) and the app's
 *   renderer (shareBrowser.ts) read each other's strings.
 * - The CRC-32 of the JSON bytes catches a string damaged when copied: raw deflate has no
 *   checksum of its own, and a changed character can still inflate to valid-looking JSON.
 *
 * This module is pure (no Node, no tfjs): the compression is done by the callers.
 */
export const SHARE_PREFIX = 'tl1.';
/** The same cap as a graph file: nothing larger is inflated. */
export const MAX_SHARED_GRAPH_BYTES = 20 * 1024 * 1024;

export class ShareError extends Error {
  override name = 'ShareError';
}

/** The compressed data would inflate past MAX_SHARED_GRAPH_BYTES. */
export function shareTooLargeError(): ShareError {
  return new ShareError(`the share string unpacks to more than ${MAX_SHARED_GRAPH_BYTES / 1024 ** 2} MB, more than a graph may be`);
}

/** The compressed data does not inflate (the runtime's own message helps nobody pasting a link). */
export function shareDataDamagedError(): ShareError {
  return new ShareError('the share string is damaged or cut short (its compressed data does not unpack): copy the whole link again');
}

/** A graph from pasted text: graph JSON (copied from another window), or a share string or a link that `decode` reads. */
export function readPastedGraph<G extends Graph | Promise<Graph>>(text: string, decode: (shareText: string) => G): G | Graph {
  return isShareText(text) ? decode(text) : graphFromJsonText(text);
}

export function graphToJsonBytes(graph: Graph): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(graph));
}

/** The share string from the JSON bytes and their deflate-raw compression. */
export function frameShareString(json: Uint8Array, compressed: Uint8Array): string {
  const payload = new Uint8Array(4 + compressed.length);
  new DataView(payload.buffer).setUint32(0, crc32(json), false);
  payload.set(compressed, 4);
  return SHARE_PREFIX + encodeBase64Url(payload);
}

/** Checks the outer form of a share string (prefix, characters) and returns its checksum and compressed data. */
export function unframeShareString(input: string): { crc: number; compressed: Uint8Array } {
  const text = extractShareString(input);
  if (!text.startsWith(SHARE_PREFIX)) {
    const version = /^tl(\d+)\./.exec(text);
    if (version) throw new ShareError(`this share string has format tl${version[1]}, which this version of Tensorloom cannot read (it reads tl1): update Tensorloom`);
    throw new ShareError(`this is not a Tensorloom share string: one starts with "${SHARE_PREFIX}"`);
  }
  const body = text.slice(SHARE_PREFIX.length);
  const bad = /[^A-Za-z0-9_-]/.exec(body);
  if (bad) {
    throw new ShareError(
      `the share string is damaged: character ${JSON.stringify(bad[0])} at position ${SHARE_PREFIX.length + bad.index + 1} cannot be in one (only letters, digits, - and _); copy the whole link again`,
    );
  }
  if (body.length % 4 === 1 || body.length < 8) throw new ShareError('the share string is cut short: copy the whole link again');
  const payload = decodeBase64Url(body);
  return { crc: new DataView(payload.buffer, payload.byteOffset).getUint32(0, false), compressed: payload.subarray(4) };
}

/** Checks the inflated JSON against the checksum, then reads it as a graph file. */
export function graphFromJsonBytes(json: Uint8Array, crc: number): Graph {
  if (crc32(json) !== crc) throw new ShareError('the share string is damaged (its checksum does not match its contents): copy the whole link again');
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(json));
  } catch (err) {
    throw new ShareError(`the share string holds no valid JSON (${(err as Error).message})`);
  }
  return parseSharedGraph(value);
}

/** A graph from parsed JSON (a share string's or the clipboard's), checked by the graph file schema. */
export function parseSharedGraph(value: unknown): Graph {
  const parsed = GraphSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShareError(`this is not a Tensorloom graph (${issue.path.join('.') || 'root'}: ${issue.message})`);
  }
  return parsed.data;
}

/**
 * The share string inside what a user pasted: the string itself, or a link holding it in
 * `#graph=` or `?graph=`. Whitespace (line breaks added by mail clients) is dropped.
 */
export function extractShareString(input: string): string {
  const text = input.replace(/\s+/g, '');
  const param = /[#?&]graph=([^&#]*)/.exec(text);
  if (!param) return text;
  try {
    return decodeURIComponent(param[1]);
  } catch {
    return param[1]; // a stray "%": the character check names it
  }
}

/** A link that opens the graph: `<base>#graph=<share string>`. */
export function shareLink(base: string, shareString: string): string {
  return `${base.replace(/#.*$/, '')}#graph=${shareString}`;
}

/** Whether pasted text is a share string or a link with one (rather than graph JSON). */
export function isShareText(text: string): boolean {
  const t = text.trim();
  return !t.startsWith('{') && (/^tl\d+\./.test(extractShareString(t)) || /[#?&]graph=/.test(t));
}

/** Parses pasted graph JSON, with the same messages as share strings. */
export function graphFromJsonText(text: string): Graph {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ShareError(`the pasted text is neither a share string nor graph JSON (${(err as Error).message})`);
  }
  return parseSharedGraph(value);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) out += ALPHABET[(n >> (18 - 6 * c)) & 63];
  }
  return out;
}

/** Decodes base64url without padding; the caller has checked the characters. */
export function decodeBase64Url(text: string): Uint8Array {
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    value = (value << 6) | LOOKUP[text.charCodeAt(i)];
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE 802.3, as zlib's crc32). */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
