// Writes Kura's icons into pwa/public/: icon.svg plus the PNG sizes that
// install prompts need. Chrome's installability check wants a 192 and a 512
// raster icon, Android masks a "maskable" one to its own shape, and iOS ignores
// SVG for the home screen, so one geometry is drawn here in both formats.
// The outputs are committed; run `node scripts/make-icons.mjs` after changing
// the drawing.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const outDir = fileURLToPath(new URL('../pwa/public/', import.meta.url));

const TEAL = [14, 90, 107];
const WHITE = [255, 255, 255];

// A storehouse (kura) with a keyhole, on a 512 x 512 canvas. The glyph stays
// inside the central 80% circle, the safe zone of a maskable icon (W3C
// Manifest, "purpose": "maskable"), so the same glyph serves every variant.
const glyph = [
  { kind: 'polygon', points: [[96, 232], [256, 112], [416, 232]], color: WHITE },
  { kind: 'rect', x: 136, y: 248, w: 240, h: 156, color: WHITE },
  { kind: 'circle', cx: 256, cy: 300, r: 28, color: TEAL },
  { kind: 'polygon', points: [[243, 312], [269, 312], [278, 368], [234, 368]], color: TEAL },
];

function background(rounded) {
  return { kind: 'rect', x: 0, y: 0, w: 512, h: 512, rx: rounded ? 112 : 0, color: TEAL };
}

function contains(shape, x, y) {
  switch (shape.kind) {
    case 'rect': {
      if (x < shape.x || y < shape.y || x > shape.x + shape.w || y > shape.y + shape.h) return false;
      const r = shape.rx ?? 0;
      if (r === 0) return true;
      const cx = Math.min(Math.max(x, shape.x + r), shape.x + shape.w - r);
      const cy = Math.min(Math.max(y, shape.y + r), shape.y + shape.h - r);
      return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
    }
    case 'circle':
      return (x - shape.cx) ** 2 + (y - shape.cy) ** 2 <= shape.r ** 2;
    case 'polygon': {
      // Even-odd ray casting; the polygons here are convex, so either rule works.
      let inside = false;
      const p = shape.points;
      for (let i = 0, j = p.length - 1; i < p.length; j = i++) {
        const [xi, yi] = p[i];
        const [xj, yj] = p[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    }
    default:
      throw new Error(`unknown shape ${shape.kind}`);
  }
}

function toSvg(shapes) {
  const hex = (c) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const body = shapes
    .map((s) => {
      switch (s.kind) {
        case 'rect':
          return `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}"${s.rx ? ` rx="${s.rx}"` : ''} fill="${hex(s.color)}"/>`;
        case 'circle':
          return `<circle cx="${s.cx}" cy="${s.cy}" r="${s.r}" fill="${hex(s.color)}"/>`;
        case 'polygon':
          return `<polygon points="${s.points.map((pt) => pt.join(',')).join(' ')}" fill="${hex(s.color)}"/>`;
        default:
          throw new Error(`unknown shape ${s.kind}`);
      }
    })
    .join('\n  ');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512">\n  ${body}\n</svg>\n`;
}

// 4 x 4 supersampling is enough to keep the diagonal roof edges smooth at 192 px.
function rasterize(shapes, size) {
  const samples = 4;
  const scale = 512 / size;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          let color = null;
          for (const shape of shapes) if (contains(shape, x, y)) color = shape.color;
          if (color) {
            r += color[0];
            g += color[1];
            b += color[2];
            a += 255;
          }
        }
      }
      const n = samples * samples;
      const o = (py * size + px) * 4;
      // Colour is averaged over covered samples only, so edges against
      // transparency do not darken (straight, not premultiplied, alpha).
      const covered = a / 255;
      rgba[o] = covered ? Math.round(r / covered) : 0;
      rgba[o + 1] = covered ? Math.round(g / covered) : 0;
      rgba[o + 2] = covered ? Math.round(b / covered) : 0;
      rgba[o + 3] = Math.round(a / n);
    }
  }
  return rgba;
}

const crcTable = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

// PNG (ISO/IEC 15948): 8-bit RGBA, filter type 0 on every scanline.
function encodePng(rgba, size) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const rounded = [background(true), ...glyph];
const fullBleed = [background(false), ...glyph];

writeFileSync(`${outDir}icon.svg`, toSvg(rounded));
writeFileSync(`${outDir}icon-192.png`, encodePng(rasterize(rounded, 192), 192));
writeFileSync(`${outDir}icon-512.png`, encodePng(rasterize(rounded, 512), 512));
writeFileSync(`${outDir}icon-maskable-512.png`, encodePng(rasterize(fullBleed, 512), 512));
// iOS rounds the corners itself and shows transparency as black.
writeFileSync(`${outDir}apple-touch-icon.png`, encodePng(rasterize(fullBleed, 180), 180));
console.log(`icons written to ${outDir}`);
