import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomicWrite.js';

/**
 * The safetensors format (Hugging Face), which PyTorch, JAX and others read without
 * running any code from the file:
 *
 *   [u64 little-endian N] [N bytes of JSON header, space-padded] [tensor bytes]
 *
 * The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]}, offsets
 * counted from the first byte after the header; `__metadata__` is an optional
 * string→string map. We pad the header so the data starts 8-byte aligned (readers may
 * map it straight into typed arrays). We write and read F32 and I32 only, little-endian.
 *
 * Reading treats the file as untrusted: every number is checked before use, and a bad
 * file gives a SafetensorsError saying what is wrong, never a crash or a huge allocation.
 */
export type SafeDType = 'F32' | 'I32';

export interface SafeTensor {
  dtype: SafeDType;
  shape: number[];
  data: Float32Array | Int32Array;
}

export type SafeTensorMap = Record<string, SafeTensor>;

export interface SafetensorsFile {
  tensors: SafeTensorMap;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** The reference implementation's limit too: real headers are a few MB at most. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const BYTES_PER_ELEMENT: Record<SafeDType, number> = { F32: 4, I32: 4 };
/** dtypes of the format that we recognise but do not read, for a clearer message. */
const OTHER_DTYPES = new Set(['F64', 'F16', 'BF16', 'I64', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL', 'F8_E4M3', 'F8_E5M2']);
const METADATA_KEY = '__metadata__';
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export function encodeSafetensors(tensors: SafeTensorMap, metadata?: Record<string, string>): Uint8Array {
  // Entries, then Object.fromEntries: a tensor named "__proto__" stays an ordinary key.
  const header: [string, unknown][] = [];
  if (metadata && Object.keys(metadata).length) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(`metadata "${k}" must be a string`);
    }
    header.push([METADATA_KEY, metadata]);
  }
  let offset = 0;
  const parts: Uint8Array[] = [];
  for (const [name, t] of Object.entries(tensors)) {
    if (!name || name === METADATA_KEY) throw new SafetensorsError(`tensor name "${name}" is not allowed`);
    if (!(t.dtype in BYTES_PER_ELEMENT)) throw new SafetensorsError(`tensor "${name}": dtype ${t.dtype} is not F32 or I32`);
    const arrayOk = t.dtype === 'F32' ? t.data instanceof Float32Array : t.data instanceof Int32Array;
    if (!arrayOk) throw new SafetensorsError(`tensor "${name}": dtype ${t.dtype} does not match its ${t.data.constructor.name}`);
    const count = elementCount(t.shape);
    if (count === undefined) throw new SafetensorsError(`tensor "${name}": invalid shape [${t.shape}]`);
    if (count !== t.data.length) {
      throw new SafetensorsError(`tensor "${name}": shape [${t.shape}] holds ${count} values, data has ${t.data.length}`);
    }
    const bytes = toLittleEndianBytes(t.data);
    header.push([name, { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] }]);
    parts.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(Object.fromEntries(header));
  const jsonBytes = new TextEncoder().encode(json);
  const padded = Math.ceil(jsonBytes.length / 8) * 8;
  json += ' '.repeat(padded - jsonBytes.length);

  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + padded;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Parses safetensors bytes; `source` (a file name) prefixes every error message. */
export function decodeSafetensors(bytes: Uint8Array, source = 'safetensors data'): SafetensorsFile {
  function fail(message: string): never {
    throw new SafetensorsError(`${source}: ${message}`);
  }
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short for a safetensors file (8-byte header length first)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) fail(`header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(headerLength);
  if (8 + n > bytes.length) fail(`header length ${n} runs past the end of the ${bytes.length}-byte file (truncated?)`);

  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail('header is not valid UTF-8');
  }
  if (!text.startsWith('{')) fail('header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`header is not valid JSON (${(err as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');

  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: SafeDType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__ "${k}" is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`tensor "${name}": entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw as Record<string, unknown>;
    if (typeof dtype !== 'string') fail(`tensor "${name}": dtype missing`);
    const d = dtype as string;
    if (!(d in BYTES_PER_ELEMENT)) {
      fail(
        OTHER_DTYPES.has(d)
          ? `tensor "${name}": dtype ${d} is not supported (Tensorloom reads F32 and I32)`
          : `tensor "${name}": unknown dtype "${d}"`,
      );
    }
    if (!Array.isArray(shape) || !shape.every((s) => Number.isSafeInteger(s) && s >= 0)) {
      fail(`tensor "${name}": shape must be a list of non-negative integers`);
    }
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`tensor "${name}": data_offsets must be [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as number[];
    if (end > dataLength) fail(`tensor "${name}": data_offsets [${begin}, ${end}] run past the ${dataLength} data bytes`);
    const count = elementCount(shape as number[]);
    const expected = count === undefined ? undefined : count * BYTES_PER_ELEMENT[d as SafeDType];
    if (expected !== end - begin) {
      fail(`tensor "${name}": shape [${shape}] of ${d} needs ${expected ?? 'too many'} bytes, data_offsets span ${end - begin}`);
    }
    entries.push({ name, dtype: d as SafeDType, shape: shape as number[], begin, end });
  }

  // The data must be covered exactly once, in order: no overlap (two names, one buffer)
  // and no gap (hidden bytes), as the format requires.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (let i = 0; i < sorted.length; i++) {
    const e = sorted[i];
    if (e.begin < covered) fail(`tensors "${sorted[i - 1].name}" and "${e.name}" overlap (bytes ${e.begin}–${covered})`);
    if (e.begin > covered) fail(`bytes ${covered}–${e.begin} of the data belong to no tensor`);
    covered = e.end;
  }
  if (covered !== dataLength) fail(`bytes ${covered}–${dataLength} of the data belong to no tensor`);

  // Copies, so the tensors are aligned and do not keep the whole file alive.
  const tensors = Object.fromEntries(
    entries.map((e) => {
      const slice = bytes.subarray(dataStart + e.begin, dataStart + e.end);
      return [e.name, { dtype: e.dtype, shape: e.shape, data: fromLittleEndianBytes(e.dtype, slice) }];
    }),
  );
  return { tensors, metadata };
}

export async function writeSafetensors(path: string, tensors: SafeTensorMap, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata));
}

export async function readSafetensors(path: string): Promise<SafetensorsFile> {
  return decodeSafetensors(await readFile(path), path);
}

/** Product of the dimensions; undefined where it is not a safe integer. */
function elementCount(shape: number[]): number | undefined {
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return undefined;
    count *= d;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}

function toLittleEndianBytes(data: Float32Array | Int32Array): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return view; // copied into the file buffer by the caller
  const copy = new Uint8Array(view);
  swap32(copy);
  return copy;
}

function fromLittleEndianBytes(dtype: SafeDType, bytes: Uint8Array): Float32Array | Int32Array {
  const copy = new Uint8Array(bytes);
  if (!LITTLE_ENDIAN) swap32(copy);
  return dtype === 'F32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
}

function swap32(bytes: Uint8Array): void {
  for (let i = 0; i < bytes.length; i += 4) {
    [bytes[i], bytes[i + 3]] = [bytes[i + 3], bytes[i]];
    [bytes[i + 1], bytes[i + 2]] = [bytes[i + 2], bytes[i + 1]];
  }
}
