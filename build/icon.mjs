// Draws Tensorloom's app icon — a small network of nodes woven together on a dark
// rounded square — as build/icon.svg and build/icon.png (512×512 RGBA, what
// electron-builder turns into the .icns, .ico and Linux icons). One description of the
// shapes serves both files. Run: node build/icon.mjs
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const SIZE = 512;
const BACKGROUND = { x: 16, y: 16, size: 480, radius: 104, color: '#1b1f3b' };
const LAYERS = [
  { x: 128, ys: [152, 256, 360], color: '#5eead4' },
  { x: 256, ys: [112, 208, 304, 400], color: '#fbbf24' },
  { x: 384, ys: [200, 312], color: '#f472b6' },
];
const NODE_RADIUS = 30;
const EDGE = { width: 9, color: '#c7d2fe', opacity: 0.45 };

function edges() {
  const out = [];
  for (let l = 0; l + 1 < LAYERS.length; l++) {
    for (const y1 of LAYERS[l].ys) for (const y2 of LAYERS[l + 1].ys) out.push([LAYERS[l].x, y1, LAYERS[l + 1].x, y2]);
  }
  return out;
}

export function iconSvg() {
  const b = BACKGROUND;
  const lines = edges().map(([x1, y1, x2, y2]) => `    <line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}"/>`);
  const nodes = LAYERS.flatMap((layer) => layer.ys.map((y) => `  <circle cx="${layer.x}" cy="${y}" r="${NODE_RADIUS}" fill="${layer.color}"/>`));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">`,
    `  <rect x="${b.x}" y="${b.y}" width="${b.size}" height="${b.size}" rx="${b.radius}" fill="${b.color}"/>`,
    `  <g stroke="${EDGE.color}" stroke-opacity="${EDGE.opacity}" stroke-width="${EDGE.width}" stroke-linecap="round">`,
    ...lines,
    '  </g>',
    ...nodes,
    '</svg>',
    '',
  ].join('\n');
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);

/** Signed distances (negative inside) of the shapes, painted in order with 1-pixel anti-aliasing. */
function shapes() {
  const b = BACKGROUND;
  const half = b.size / 2;
  const cx = b.x + half;
  const cy = b.y + half;
  const roundedSquare = (x, y) => {
    const qx = Math.abs(x - cx) - (half - b.radius);
    const qy = Math.abs(y - cy) - (half - b.radius);
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - b.radius;
  };
  const segment = ([x1, y1, x2, y2]) => (x, y) => {
    const dx = x2 - x1;
    const dy = y2 - y1;
    const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(x - x1 - t * dx, y - y1 - t * dy) - EDGE.width / 2;
  };
  const circle = (px, py) => (x, y) => Math.hypot(x - px, y - py) - NODE_RADIUS;
  return [
    { distance: roundedSquare, color: rgb(b.color), opacity: 1 },
    ...edges().map((e) => ({ distance: segment(e), color: rgb(EDGE.color), opacity: EDGE.opacity })),
    ...LAYERS.flatMap((layer) => layer.ys.map((y) => ({ distance: circle(layer.x, y), color: rgb(layer.color), opacity: 1 }))),
  ];
}

/** RGBA pixels, premultiplied while compositing, stored straight. */
export function renderIconPixels() {
  const pixels = new Uint8Array(SIZE * SIZE * 4);
  const list = shapes();
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let r = 0, g = 0, bl = 0, a = 0;
      for (const s of list) {
        const coverage = Math.max(0, Math.min(1, 0.5 - s.distance(x + 0.5, y + 0.5))) * s.opacity;
        if (coverage === 0) continue;
        r = s.color[0] * coverage + r * (1 - coverage);
        g = s.color[1] * coverage + g * (1 - coverage);
        bl = s.color[2] * coverage + bl * (1 - coverage);
        a = coverage + a * (1 - coverage);
      }
      const at = (y * SIZE + x) * 4;
      pixels[at] = a ? Math.round((r / a) * 255) : 0;
      pixels[at + 1] = a ? Math.round((g / a) * 255) : 0;
      pixels[at + 2] = a ? Math.round((bl / a) * 255) : 0;
      pixels[at + 3] = Math.round(a * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** A PNG file (8-bit RGBA, no filtering) of the icon. */
export function renderIconPng() {
  const pixels = renderIconPixels();
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) Buffer.from(pixels.buffer, y * SIZE * 4, SIZE * 4).copy(rows, y * (SIZE * 4 + 1) + 1);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const here = dirname(fileURLToPath(import.meta.url));
  writeFileSync(join(here, 'icon.svg'), iconSvg());
  writeFileSync(join(here, 'icon.png'), renderIconPng());
  console.log(`wrote ${join(here, 'icon.svg')} and ${join(here, 'icon.png')}`);
}
