/**
 * Square resize of an interleaved float image (row-major, `channels` values per pixel).
 * Separable: each axis gets its own weights. Shrinking averages the source pixels each
 * output pixel covers, weighted by the covered length (area resampling, which does not
 * alias the way point sampling does); enlarging interpolates between the two nearest
 * pixel centres (bilinear). Non-square images are stretched to the square, as Keras'
 * image_dataset_from_directory does by default.
 */
export function resizeImage(src: Float32Array, width: number, height: number, channels: number, size: number): Float32Array {
  if (width === size && height === size) return src.slice();
  const xs = axisWeights(width, size);
  const ys = axisWeights(height, size);
  // Rows first: [height, size, channels], then columns: [size, size, channels].
  const mid = new Float32Array(height * size * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let ox = 0; ox < size; ox++) {
      const { index, weight } = xs[ox];
      const out = (y * size + ox) * channels;
      for (let k = 0; k < index.length; k++) {
        const s = row + index[k] * channels;
        const w = weight[k];
        for (let c = 0; c < channels; c++) mid[out + c] += src[s + c] * w;
      }
    }
  }
  const dst = new Float32Array(size * size * channels);
  for (let oy = 0; oy < size; oy++) {
    const { index, weight } = ys[oy];
    for (let k = 0; k < index.length; k++) {
      const srcRow = index[k] * size * channels;
      const w = weight[k];
      const dstRow = oy * size * channels;
      for (let i = 0; i < size * channels; i++) dst[dstRow + i] += mid[srcRow + i] * w;
    }
  }
  return dst;
}

interface Taps {
  index: number[];
  weight: number[];
}

/** For each of `to` output positions, the source positions it reads and their weights (summing to 1). */
export function axisWeights(from: number, to: number): Taps[] {
  const scale = from / to;
  const taps: Taps[] = [];
  for (let o = 0; o < to; o++) {
    const index: number[] = [];
    const weight: number[] = [];
    if (scale > 1) {
      // Area: output pixel o covers [o·scale, (o+1)·scale) of the source.
      const start = o * scale;
      const end = start + scale;
      for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
        const covered = Math.min(end, s + 1) - Math.max(start, s);
        if (covered > 1e-9) {
          index.push(s);
          weight.push(covered / scale);
        }
      }
    } else {
      // Bilinear with pixel centres aligned (half-pixel offsets), edges clamped.
      const centre = Math.min(from - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const left = Math.floor(centre);
      const t = centre - left;
      index.push(left);
      weight.push(1 - t);
      if (t > 0 && left + 1 < from) {
        index.push(left + 1);
        weight.push(t);
      }
    }
    taps.push({ index, weight });
  }
  return taps;
}
