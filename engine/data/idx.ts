import { open } from 'node:fs/promises';

/** The IDX format of the MNIST files: a magic number, big-endian dims, then raw bytes. */
export interface IdxFile {
  /** All dims as the file declares them; dims[0] is the item count. */
  dims: number[];
  /** The first `items` items (of all the file holds), unsigned bytes. */
  data: Uint8Array;
}

const UNSIGNED_BYTE = 0x08;

/**
 * Reads the header and the first `maxItems` items of an IDX file of unsigned bytes,
 * in one read of just the bytes needed. Throws an Error with a plain message when the
 * file is missing, is not IDX, or is shorter than its header says.
 */
export async function readIdx(path: string, maxItems: number): Promise<IdxFile> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(4);
    await file.read(head, 0, 4, 0);
    if (head[0] !== 0 || head[1] !== 0 || head[2] !== UNSIGNED_BYTE || head[3] < 1 || head[3] > 4) {
      throw new Error(`${path} is not an IDX file of unsigned bytes`);
    }
    const ndim = head[3];
    const dimBytes = Buffer.alloc(4 * ndim);
    await file.read(dimBytes, 0, dimBytes.length, 4);
    const dims = Array.from({ length: ndim }, (_, i) => dimBytes.readUInt32BE(4 * i));
    const itemSize = dims.slice(1).reduce((a, b) => a * b, 1);
    const items = Math.min(maxItems, dims[0]);
    const data = new Uint8Array(items * itemSize);
    const { bytesRead } = await file.read(data, 0, data.length, 4 + 4 * ndim);
    if (bytesRead < data.length) throw new Error(`${path} is truncated: expected ${data.length} bytes of data, found ${bytesRead}`);
    return { dims, data };
  } finally {
    await file.close();
  }
}
