import { afterAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  MAX_HEADER_BYTES,
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  readSafetensors,
  writeSafetensors,
  type SafeTensorMap,
} from './safetensors.js';
import { createRng } from '../util/hash.js';
import { runTorch, torchAvailable } from '../../test/helpers/pytorch.js';

const root = fs.mkdtempSync(join(tmpdir(), 'tensorloom-safetensors-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const sample: SafeTensorMap = {
  'h1.weight': { dtype: 'F32', shape: [2, 3], data: new Float32Array([1.5, -2, 3.25, 1e-7, -0, 65504]) },
  'h1.bias': { dtype: 'F32', shape: [3], data: new Float32Array([0.1, 0.2, 0.3]) },
  step: { dtype: 'I32', shape: [], data: new Int32Array([42]) },
  labels: { dtype: 'I32', shape: [4], data: new Int32Array([-1, 0, 2147483647, -2147483648]) },
  empty: { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) },
};

/** A file with a hand-made header, to feed the reader what our writer never writes. */
function rawFile(header: unknown, dataBytes: number, headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

const f32 = (shape: number[], begin: number, end: number) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

describe('safetensors', () => {
  it('round-trips F32 and I32 tensors of any rank, with metadata', () => {
    const bytes = encodeSafetensors(sample, { format: 'pt', note: 'é ✓' });
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: 'pt', note: 'é ✓' });
    expect(Object.keys(back.tensors)).toEqual(Object.keys(sample));
    for (const [name, t] of Object.entries(sample)) {
      expect(back.tensors[name].dtype).toBe(t.dtype);
      expect(back.tensors[name].shape).toEqual(t.shape);
      expect(back.tensors[name].data).toEqual(t.data); // same class, same bits (-0 included)
    }
  });

  it('lays the file out as the format says: u64 LE header length, padded JSON, 8-aligned data', () => {
    const bytes = encodeSafetensors(sample);
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    expect(header['h1.weight']).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.step).toEqual({ dtype: 'I32', shape: [], data_offsets: [36, 40] });
    expect(bytes.length).toBe(8 + n + 24 + 12 + 4 + 16);
    // Little-endian float32 bytes of 1.5 at the start of the data.
    expect([...bytes.subarray(8 + n, 8 + n + 4)]).toEqual([0, 0, 0xc0, 0x3f]);
  });

  it('refuses to write inconsistent tensors', () => {
    expect(() => encodeSafetensors({ a: { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } })).toThrow(
      /"a": shape \[2,2\] holds 4 values, data has 3/,
    );
    expect(() => encodeSafetensors({ a: { dtype: 'I32', shape: [1], data: new Float32Array(1) } })).toThrow(/"a": dtype I32 does not match/);
    expect(() => encodeSafetensors({ __metadata__: { dtype: 'F32', shape: [], data: new Float32Array(1) } })).toThrow(/not allowed/);
  });

  it('writes and reads files (atomically replaced)', async () => {
    const path = join(root, 'w.safetensors');
    await writeSafetensors(path, sample);
    await writeSafetensors(path, { x: sample['h1.bias'] });
    const back = await readSafetensors(path);
    expect(Object.keys(back.tensors)).toEqual(['x']);
    expect(fs.readdirSync(root)).toEqual(['w.safetensors']);
  });

  describe('reading a bad file gives a clear error naming the file', () => {
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', new Uint8Array(5), /5 bytes is too short/],
      ['header over the limit', rawFile({}, 0, BigInt(MAX_HEADER_BYTES) + 1n), /over the .*limit/],
      ['header length past the end', rawFile({}, 0, 1000n), /runs past the end .*truncated/],
      ['header length 2^64 − 1', rawFile({}, 0, 2n ** 64n - 1n), /over the .*limit/],
      ['not JSON', rawFile('{"a": ', 0), /not valid JSON/],
      ['not an object', rawFile('[1, 2]', 0), /does not start with "\{"/],
      ['unknown dtype', rawFile({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, 4), /"a": unknown dtype "Q7"/],
      ['dtype we do not read', rawFile({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4), /"a": dtype F16 is not supported/],
      ['negative dimension', rawFile({ a: f32([-1], 0, 4) }, 4), /"a": shape must be a list of non-negative integers/],
      ['offsets out of range', rawFile({ a: f32([4], 0, 16) }, 8), /"a": data_offsets \[0, 16\] run past the 8 data bytes/],
      ['offsets reversed', rawFile({ a: f32([0], 8, 4) }, 8), /"a": data_offsets must be \[begin, end\]/],
      ['size does not match the shape', rawFile({ a: f32([3], 0, 8) }, 8), /"a": shape \[3\] of F32 needs 12 bytes, data_offsets span 8/],
      ['huge shape', rawFile({ a: f32([2 ** 40, 2 ** 40], 0, 8) }, 8), /"a": .*needs too many bytes/],
      ['overlap', rawFile({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12), /"a" and "b" overlap/],
      ['gap', rawFile({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12), /bytes 4–8 of the data belong to no tensor/],
      ['trailing bytes', rawFile({ a: f32([1], 0, 4) }, 12), /bytes 4–12 of the data belong to no tensor/],
      ['metadata not strings', rawFile({ __metadata__: { epoch: 3 } }, 0), /__metadata__ "epoch" is not a string/],
      ['invalid UTF-8', rawFile('{"\xff"}', 0).map((b, i) => (i === 10 ? 0xff : b)), /not valid UTF-8/],
    ];
    for (const [label, bytes, message] of cases) {
      it(label, () => {
        let error: unknown;
        try {
          decodeSafetensors(bytes, 'bad.safetensors');
        } catch (err) {
          error = err;
        }
        expect(error).toBeInstanceOf(SafetensorsError);
        expect((error as Error).message).toMatch(/^bad\.safetensors: /);
        expect((error as Error).message).toMatch(message);
      });
    }
  });

  it('never fails other than with a SafetensorsError on damaged files', () => {
    const good = encodeSafetensors(sample, { format: 'pt' });
    const rng = createRng(3);
    let rejected = 0;
    for (let trial = 0; trial < 300; trial++) {
      const bytes = good.slice(0, trial % 3 === 0 ? Math.floor(rng() * good.length) : good.length);
      for (let k = 0; k < 3; k++) bytes[Math.floor(rng() * Math.min(bytes.length, 8 + 200))] = Math.floor(rng() * 256);
      try {
        decodeSafetensors(bytes);
      } catch (err) {
        expect(err).toBeInstanceOf(SafetensorsError);
        rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(100);
  });

  it.skipIf(!torchAvailable())('is read by PyTorch (json + struct + torch.frombuffer), and reads what Python wrote', () => {
    const path = join(root, 'for-torch.safetensors');
    fs.writeFileSync(path, encodeSafetensors(sample, { format: 'pt' }));
    const fromPython = join(root, 'from-python.safetensors');
    const result = runTorch<{ tensors: Record<string, { dtype: string; shape: number[]; values: number[] }>; metadata: unknown }>(
      `
import struct
def load(path):
    with open(path, 'rb') as f:
        raw = f.read()
    (n,) = struct.unpack('<Q', raw[:8])
    header = json.loads(raw[8:8 + n].decode('utf-8'))
    meta = header.pop('__metadata__', {})
    types = {'F32': torch.float32, 'I32': torch.int32}
    out = {}
    for name, e in header.items():
        b, end = e['data_offsets']
        dt = types[e['dtype']]
        count = (end - b) // 4
        t = torch.frombuffer(bytearray(raw[8 + n + b:8 + n + end]), dtype=dt, count=count) if count else torch.empty(0, dtype=dt)
        out[name] = t.reshape(e['shape'])
    return out, meta
tensors, meta = load(data['path'])
result = {'metadata': meta, 'tensors': {k: {'dtype': str(t.dtype), 'shape': list(t.shape), 'values': t.reshape(-1)} for k, t in tensors.items()}}

# And the other way: a file written by Python (unpadded header, torch's bytes).
w = torch.arange(6, dtype=torch.float32).reshape(2, 3) / 4 - 0.5
i = torch.tensor([7, -8], dtype=torch.int32)
hdr = json.dumps({'__metadata__': {'format': 'pt'}, 'w': {'dtype': 'F32', 'shape': [2, 3], 'data_offsets': [0, 24]},
                  'i': {'dtype': 'I32', 'shape': [2], 'data_offsets': [24, 32]}}).encode('utf-8')
with open(data['out'], 'wb') as f:
    f.write(struct.pack('<Q', len(hdr)) + hdr + w.numpy().tobytes() + i.numpy().tobytes())
`,
      { path, out: fromPython },
    );
    expect(result.metadata).toEqual({ format: 'pt' });
    for (const [name, t] of Object.entries(sample)) {
      const got = result.tensors[name];
      expect(got.dtype).toBe(t.dtype === 'F32' ? 'torch.float32' : 'torch.int32');
      expect(got.shape).toEqual(t.shape);
      expect(got.values).toEqual(Array.from(t.data));
    }
    const back = decodeSafetensors(fs.readFileSync(fromPython), fromPython);
    expect(back.tensors.w.shape).toEqual([2, 3]);
    expect(Array.from(back.tensors.w.data)).toEqual([-0.5, -0.25, 0, 0.25, 0.5, 0.75]);
    expect(Array.from(back.tensors.i.data)).toEqual([7, -8]);
    expect(back.tensors.i.data).toBeInstanceOf(Int32Array);
  });
});
