import { totalmem } from 'node:os';

/**
 * Recycles the float32 arrays behind disposed tensors. A fresh 800 KB array costs ten
 * times the arithmetic of an element-wise op on it (the OS maps and zeroes new pages),
 * and a training step allocates the same sizes every time, so reuse is what makes small
 * ops cheap.
 *
 * An array may only be reused when nothing can still see it: every tensor whose data
 * lies in a pooled ArrayBuffer (the array itself, or a view of it, as the cpu kernels'
 * contiguous Slice makes) holds a reference, and the buffer returns to the pool when the
 * last one is disposed. Reads for the outside (dataSync, data) get copies.
 */
export class ArrayPool {
  /** Free arrays by length. */
  private free = new Map<number, Float32Array[]>();
  private freeBytes = 0;
  /** Live references per pooled buffer; the whole-buffer array to recycle. */
  private owners = new WeakMap<ArrayBufferLike, { array: Float32Array; refs: number }>();

  /**
   * Up to an eighth of the machine's memory (at most 2 GiB) is kept for reuse: a step of a
   * Neural-Interpreters stack frees ~600 MB of activations that the next step needs again,
   * and arrays not kept come back as fresh pages, which cost more than the arithmetic.
   */
  constructor(
    private readonly maxFreeBytes = Math.min(2 * 1024 ** 3, totalmem() / 8),
    private readonly maxPerSize = 4096,
  ) {}

  /** An uninitialised array of n floats (callers write every element). */
  take(n: number): Float32Array {
    const list = this.free.get(n);
    const reused = list?.pop();
    if (reused) {
      this.freeBytes -= n * 4;
      this.owners.set(reused.buffer, { array: reused, refs: 0 });
      return reused;
    }
    const bytes = Buffer.allocUnsafeSlow(Math.max(n, 1) * 4);
    const array = new Float32Array(bytes.buffer, bytes.byteOffset, n);
    this.owners.set(array.buffer, { array, refs: 0 });
    return array;
  }

  isPooled(values: unknown): values is Float32Array {
    return ArrayBuffer.isView(values) && this.owners.has(values.buffer);
  }

  /** True when `values` is a whole pooled array that exactly one tensor refers to (no views). */
  soleOwner(values: unknown): boolean {
    if (!ArrayBuffer.isView(values)) return false;
    const owner = this.owners.get(values.buffer);
    return owner !== undefined && owner.refs === 1 && owner.array === values;
  }

  /** A tensor now refers to these values. */
  retain(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const owner = this.owners.get(values.buffer);
    if (owner) owner.refs++;
  }

  /** A tensor that referred to these values is gone; the last one returns the buffer. */
  release(values: unknown): void {
    if (!ArrayBuffer.isView(values)) return;
    const owner = this.owners.get(values.buffer);
    if (!owner || --owner.refs > 0) return;
    this.owners.delete(values.buffer);
    const n = owner.array.length;
    const list = this.free.get(n) ?? [];
    if (list.length >= this.maxPerSize || this.freeBytes + n * 4 > this.maxFreeBytes) return; // left to the GC
    list.push(owner.array);
    this.free.set(n, list);
    this.freeBytes += n * 4;
  }

  /** Returns an array from take() that never became a tensor's data (a kernel's scratch). */
  giveBack(array: Float32Array): void {
    const owner = this.owners.get(array.buffer);
    if (!owner || owner.refs !== 0 || owner.array !== array) return;
    owner.refs = 1;
    this.release(array);
  }

  clear(): void {
    this.free.clear();
    this.freeBytes = 0;
  }
}
