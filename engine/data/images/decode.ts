import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

/** File name endings read as images; anything else in a class folder is skipped. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return !name.startsWith('.') && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e));
}

/** A decoded image: RGBA bytes, row-major. */
export interface Rgba {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Larger pictures are refused rather than decoded (a 100-megapixel photo needs 400 MB as RGBA). */
const MAX_MEGAPIXELS = 50;

/**
 * Decodes a PNG or JPEG by its bytes (the signature, not the file name, decides, so a
 * JPEG saved as .png still reads). Throws an Error whose message says what is wrong;
 * the caller adds the file name.
 */
export function decodeImage(bytes: Uint8Array): Rgba {
  if (isPng(bytes)) {
    let png: PNG;
    try {
      // 16-bit PNGs are scaled to 8 bits; palettes and grayscale come out as RGBA.
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw new Error(`not a readable PNG (${(error as Error).message})`);
    }
    if (png.width * png.height > MAX_MEGAPIXELS * 1e6) throw new Error(`${png.width}×${png.height} pixels is larger than ${MAX_MEGAPIXELS} megapixels`);
    return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
  }
  if (isJpeg(bytes)) {
    try {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    } catch (error) {
      throw new Error(`not a readable JPEG (${(error as Error).message})`);
    }
  }
  throw new Error(bytes.length === 0 ? 'the file is empty' : 'the file is neither a PNG nor a JPEG (its first bytes are not an image signature)');
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

/**
 * RGBA bytes to floats in [0, 1] with 1 (luma, ITU-R BT.601 weights as PIL's "L" mode)
 * or 3 channels. Alpha is dropped, as most image tooling does when asked for RGB.
 */
export function toFloatPixels(img: Rgba, channels: 1 | 3): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n * channels);
  const d = img.data;
  if (channels === 3) {
    for (let i = 0; i < n; i++) {
      out[3 * i] = d[4 * i] / 255;
      out[3 * i + 1] = d[4 * i + 1] / 255;
      out[3 * i + 2] = d[4 * i + 2] / 255;
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = (0.299 * d[4 * i] + 0.587 * d[4 * i + 1] + 0.114 * d[4 * i + 2]) / 255;
  }
  return out;
}
