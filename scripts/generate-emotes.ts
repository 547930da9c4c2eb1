/**
 * Draws Replay's own default emotes (no Bilibili artwork) and writes them as 96×96 PNGs to assets/emotes/.
 * Deterministic: the same source gives byte-identical files, so the committed images can be checked with
 * `node bin/run-ts.js scripts/generate-emotes.ts --check`.
 *
 * Every emote is a list of flat-coloured shapes painted in order over a transparent square, sampled 4×4
 * per pixel for smooth edges, and stored as an RGBA PNG (zlib from Node, no image library).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { BUILTIN_PACKAGES } from '../src/services/builtin-emotes.ts';

const SIZE = 96;
const SAMPLES = 4;
const OUT = new URL('../assets/emotes/', import.meta.url);

type Rgba = readonly [number, number, number, number];
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  color: Rgba;
}

// --- shapes (coordinates in pixels of the 96×96 canvas, y pointing down) ---

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

const ellipse =
  (cx: number, cy: number, rx: number, ry: number, degrees = 0): Shape =>
  (x, y) => {
    const a = (degrees * Math.PI) / 180;
    const dx = x - cx;
    const dy = y - cy;
    const u = dx * Math.cos(a) + dy * Math.sin(a);
    const v = -dx * Math.sin(a) + dy * Math.cos(a);
    return (u / rx) ** 2 + (v / ry) ** 2 <= 1;
  };

const ring =
  (cx: number, cy: number, r: number, width: number): Shape =>
  (x, y) =>
    Math.abs(Math.hypot(x - cx, y - cy) - r) <= width / 2;

function distanceToSegment(x: number, y: number, x1: number, y1: number, x2: number, y2: number): number {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (x1 + t * dx), y - (y1 + t * dy));
}

/** A stroke with round ends through the given points. */
const line =
  (width: number, ...points: [number, number][]): Shape =>
  (x, y) => {
    for (let i = 1; i < points.length; i++) {
      const [x1, y1] = points[i - 1]!;
      const [x2, y2] = points[i]!;
      if (distanceToSegment(x, y, x1, y1, x2, y2) <= width / 2) return true;
    }
    return false;
  };

/** A stroked circular arc from `from`° to `to`° (0° = right, 90° = down), with round ends. */
const arc =
  (cx: number, cy: number, r: number, width: number, from: number, to: number): Shape =>
  (x, y) => {
    const end = (deg: number) => [
      cx + r * Math.cos((deg * Math.PI) / 180),
      cy + r * Math.sin((deg * Math.PI) / 180),
    ];
    for (const deg of [from, to]) {
      const [ex, ey] = end(deg) as [number, number];
      if ((x - ex) ** 2 + (y - ey) ** 2 <= (width / 2) ** 2) return true;
    }
    if (Math.abs(Math.hypot(x - cx, y - cy) - r) > width / 2) return false;
    let angle = (Math.atan2(y - cy, x - cx) * 180) / Math.PI;
    while (angle < from) angle += 360;
    return angle <= to;
  };

const polygon =
  (...points: [number, number][]): Shape =>
  (x, y) => {
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [xi, yi] = points[i]!;
      const [xj, yj] = points[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };

const rect =
  (x0: number, y0: number, w: number, h: number, radius = 0): Shape =>
  (x, y) => {
    if (x < x0 || y < y0 || x > x0 + w || y > y0 + h) return false;
    const cx = Math.min(Math.max(x, x0 + radius), x0 + w - radius);
    const cy = Math.min(Math.max(y, y0 + radius), y0 + h - radius);
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius;
  };

const both =
  (a: Shape, b: Shape): Shape =>
  (x, y) =>
    a(x, y) && b(x, y);

const star = (cx: number, cy: number, outer: number, inner: number): Shape =>
  polygon(
    ...Array.from({ length: 10 }, (_, i): [number, number] => {
      const r = i % 2 === 0 ? outer : inner;
      const a = ((-90 + i * 36) * Math.PI) / 180;
      return [cx + r * Math.cos(a), cy + r * Math.sin(a)];
    }),
  );

const heart = (cx: number, cy: number, s: number): Shape => {
  const left = circle(cx - s * 0.5, cy - s * 0.25, s * 0.55);
  const right = circle(cx + s * 0.5, cy - s * 0.25, s * 0.55);
  const tip = polygon([cx - s * 1.02, cy - s * 0.05], [cx + s * 1.02, cy - s * 0.05], [cx, cy + s * 1.1]);
  return (x, y) => left(x, y) || right(x, y) || tip(x, y);
};

// --- palette ---

const rgba = (hex: string, alpha = 255): Rgba => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
  alpha,
];
const YELLOW = rgba('#FFC83D');
const EDGE = rgba('#E0962A');
const INK = rgba('#5B3415');
const WHITE = rgba('#FFFFFF');
const MOUTH = rgba('#9B3A1E');
const TONGUE = rgba('#FF7E8A');
const TEAR = rgba('#5BC0F8');
const RED = rgba('#E8413C');
const PINK = rgba('#FF5C8A');

// --- face parts ---

const L = (shape: Shape, color: Rgba): Layer => ({ shape, color });

const face = (fill: Rgba = YELLOW, edge: Rgba = EDGE): Layer[] => [
  L(circle(48, 50, 43), edge),
  L(circle(48, 50, 40), fill),
];

const eyes = {
  dots: (dy = 0): Layer[] => [L(ellipse(34, 40 + dy, 4.5, 6.5), INK), L(ellipse(62, 40 + dy, 4.5, 6.5), INK)],
  happy: (): Layer[] => [L(arc(34, 44, 7, 4, 200, 340), INK), L(arc(62, 44, 7, 4, 200, 340), INK)],
  closedSad: (): Layer[] => [L(arc(34, 36, 7, 4, 20, 160), INK), L(arc(62, 36, 7, 4, 20, 160), INK)],
  flat: (): Layer[] => [L(line(4, [27, 41], [41, 41]), INK), L(line(4, [55, 41], [69, 41]), INK)],
  wide: (): Layer[] => [
    L(circle(34, 40, 9), INK),
    L(circle(34, 40, 7), WHITE),
    L(circle(34, 40, 3.5), INK),
    L(circle(62, 40, 9), INK),
    L(circle(62, 40, 7), WHITE),
    L(circle(62, 40, 3.5), INK),
  ],
  side: (): Layer[] => [
    L(ellipse(33, 40, 10, 6), INK),
    L(ellipse(33, 40, 8.5, 4.5), WHITE),
    L(circle(27, 40, 3.5), INK),
    L(ellipse(63, 40, 10, 6), INK),
    L(ellipse(63, 40, 8.5, 4.5), WHITE),
    L(circle(57, 40, 3.5), INK),
  ],
  stars: (): Layer[] => [
    L(star(34, 40, 11, 5), rgba('#E07A00')),
    L(star(34, 40, 8, 3.6), rgba('#FFF3A6')),
    L(star(62, 40, 11, 5), rgba('#E07A00')),
    L(star(62, 40, 8, 3.6), rgba('#FFF3A6')),
  ],
  hearts: (): Layer[] => [L(heart(34, 40, 8), PINK), L(heart(62, 40, 8), PINK)],
  crosses: (): Layer[] => [
    L(line(4, [28, 34], [40, 46]), INK),
    L(line(4, [40, 34], [28, 46]), INK),
    L(line(4, [56, 34], [68, 46]), INK),
    L(line(4, [68, 34], [56, 46]), INK),
  ],
  spirals: (): Layer[] => [
    L(ring(34, 40, 8, 2.5), INK),
    L(ring(34, 40, 3.5, 2.5), INK),
    L(ring(62, 40, 8, 2.5), INK),
    L(ring(62, 40, 3.5, 2.5), INK),
  ],
  sly: (): Layer[] => [L(line(4, [27, 38], [41, 42]), INK), L(line(4, [55, 42], [69, 38]), INK)],
  shades: (): Layer[] => [
    L(rect(22, 32, 23, 15, 5), rgba('#22252B')),
    L(rect(51, 32, 23, 15, 5), rgba('#22252B')),
    L(line(3, [45, 37], [51, 37]), rgba('#22252B')),
    L(line(2.5, [26, 36], [32, 36]), rgba('#FFFFFF', 150)),
    L(line(2.5, [55, 36], [61, 36]), rgba('#FFFFFF', 150)),
  ],
};

const brows = {
  angry: (): Layer[] => [L(line(4, [25, 27], [40, 33]), INK), L(line(4, [56, 33], [71, 27]), INK)],
  sad: (): Layer[] => [L(line(4, [26, 32], [40, 27]), INK), L(line(4, [56, 27], [70, 32]), INK)],
  raised: (): Layer[] => [L(arc(34, 32, 9, 3.5, 220, 320), INK), L(arc(62, 28, 9, 3.5, 220, 320), INK)],
};

const mouths = {
  smile: (): Layer[] => [L(arc(48, 52, 17, 4, 30, 150), INK)],
  small: (): Layer[] => [L(arc(48, 58, 8, 4, 35, 145), INK)],
  open: (): Layer[] => [
    L(
      both(ellipse(48, 60, 17, 15), (_x, y) => y >= 59),
      MOUTH,
    ),
    L(both(ellipse(48, 70, 9, 5), ellipse(48, 60, 17, 15)), TONGUE),
  ],
  wideOpen: (): Layer[] => [L(ellipse(48, 66, 10, 12), MOUTH), L(ellipse(48, 72, 6, 4), TONGUE)],
  o: (): Layer[] => [L(ellipse(48, 68, 6, 7), MOUTH)],
  flat: (): Layer[] => [L(line(4, [38, 68], [58, 68]), INK)],
  frown: (): Layer[] => [L(arc(48, 80, 14, 4, 215, 325), INK)],
  wavy: (): Layer[] => [L(line(3.5, [34, 70], [40, 66], [46, 70], [52, 66], [58, 70], [62, 67]), INK)],
  smirk: (): Layer[] => [L(arc(52, 56, 12, 4, 20, 110), INK)],
  tongue: (): Layer[] => [
    L(arc(48, 52, 17, 4, 30, 150), INK),
    L(ellipse(54, 72, 6, 7), TONGUE),
    L(line(1.5, [54, 68], [54, 75]), MOUTH),
  ],
  zigzag: (): Layer[] => [
    L(line(3.5, [34, 68], [39, 64], [44, 70], [49, 64], [54, 70], [59, 64], [62, 68]), INK),
  ],
};

const extras = {
  blush: (alpha = 120): Layer[] => [
    L(ellipse(25, 56, 7, 4.5), rgba('#FF6F7F', alpha)),
    L(ellipse(71, 56, 7, 4.5), rgba('#FF6F7F', alpha)),
  ],
  tears: (): Layer[] => [
    L(both(rect(29, 46, 9, 40, 4), circle(48, 50, 40)), TEAR),
    L(both(rect(58, 46, 9, 40, 4), circle(48, 50, 40)), TEAR),
  ],
  drops: (): Layer[] => [L(ellipse(24, 52, 4, 6), TEAR), L(ellipse(72, 52, 4, 6), TEAR)],
  sweat: (): Layer[] => [L(polygon([75, 14], [69, 27], [81, 27]), TEAR), L(circle(75, 28, 6), TEAR)],
  // The "anger vein": four quarter arcs bulging towards a common centre.
  anger: (): Layer[] => [
    L(arc(83, 27, 6, 3.5, 185, 265), RED),
    L(arc(69, 27, 6, 3.5, 275, 355), RED),
    L(arc(69, 13, 6, 3.5, 5, 85), RED),
    L(arc(83, 13, 6, 3.5, 95, 175), RED),
  ],
  question: (): Layer[] => [
    L(arc(80, 16, 7, 4, 180, 400), rgba('#3D8BFD')),
    L(line(4, [80, 23], [80, 28]), rgba('#3D8BFD')),
    L(circle(80, 35, 2.5), rgba('#3D8BFD')),
  ],
  sparkles: (): Layer[] => [
    L(star(14, 18, 8, 2.5), rgba('#FFD400')),
    L(star(82, 14, 6, 2), rgba('#FFD400')),
    L(star(86, 76, 7, 2.2), rgba('#FFD400')),
  ],
  hand: (cx: number, cy: number, rx = 14, ry = 10, degrees = 0): Layer[] => [
    L(ellipse(cx, cy, rx + 2, ry + 2, degrees), EDGE),
    L(ellipse(cx, cy, rx, ry, degrees), rgba('#FFD36B')),
  ],
  mask: (): Layer[] => [
    L(line(2.5, [24, 58], [10, 44]), WHITE),
    L(line(2.5, [72, 58], [86, 44]), WHITE),
    L(rect(24, 52, 48, 28, 10), rgba('#C9D3DC')),
    L(rect(26, 54, 44, 24, 9), WHITE),
    L(line(1.8, [30, 62], [66, 62]), rgba('#C9D3DC')),
    L(line(1.8, [30, 69], [66, 69]), rgba('#C9D3DC')),
  ],
  headband: (): Layer[] => [
    L(both(rect(0, 18, 96, 12), circle(48, 50, 41)), RED),
    L(polygon([84, 22], [95, 16], [93, 30]), RED),
    L(circle(48, 24, 4), WHITE),
  ],
  melon: (): Layer[] => [
    L(
      both(circle(48, 74, 20), (_x, y) => y >= 74),
      rgba('#2E9E4F'),
    ),
    L(
      both(circle(48, 74, 16.5), (_x, y) => y >= 74),
      rgba('#F25C54'),
    ),
    L(ellipse(42, 80, 1.5, 2.5), INK),
    L(ellipse(48, 84, 1.5, 2.5), INK),
    L(ellipse(54, 80, 1.5, 2.5), INK),
  ],
  okBadge: (): Layer[] => [
    L(rect(56, 62, 38, 28, 8), rgba('#1F9D55')),
    L(ring(67, 76, 6, 3.5), WHITE),
    L(line(3.5, [79, 68], [79, 84]), WHITE),
    L(line(3.5, [88, 68], [80, 76], [88, 84]), WHITE),
  ],
  zzz: (): Layer[] => [L(line(3, [70, 10], [80, 10], [70, 20], [80, 20]), rgba('#7A8CA5'))],
  icicles: (): Layer[] => [
    L(polygon([30, 14], [36, 14], [33, 26]), rgba('#BFE6FF')),
    L(polygon([46, 11], [52, 11], [49, 25]), rgba('#BFE6FF')),
    L(polygon([62, 14], [68, 14], [65, 24]), rgba('#BFE6FF')),
  ],
};

const dog = (): Layer[] => {
  const fur = rgba('#E9B872');
  const edge = rgba('#B77B36');
  return [
    L(polygon([14, 34], [20, 4], [40, 20]), edge),
    L(polygon([82, 34], [76, 4], [56, 20]), edge),
    L(polygon([19, 29], [22, 11], [34, 21]), rgba('#F6D9AE')),
    L(polygon([77, 29], [74, 11], [62, 21]), rgba('#F6D9AE')),
    L(ellipse(48, 52, 40, 38), edge),
    L(ellipse(48, 52, 37, 35), fur),
    L(ellipse(48, 66, 22, 17), rgba('#FFF4E2')),
    L(ellipse(31, 42, 10, 5), INK),
    L(ellipse(31, 42, 8.5, 3.5), WHITE),
    L(circle(36, 42, 3), INK),
    L(ellipse(63, 42, 10, 5), INK),
    L(ellipse(63, 42, 8.5, 3.5), WHITE),
    L(circle(68, 42, 3), INK),
    L(ellipse(48, 58, 7, 5), rgba('#2A2A2A')),
    L(arc(43, 64, 5, 3, 20, 160), INK),
    L(arc(53, 64, 5, 3, 20, 160), INK),
  ];
};

const satellite = (): Layer[] => {
  const panel = rgba('#3C7DD9');
  const frame = rgba('#24508F');
  return [
    L(rect(4, 36, 28, 24, 3), frame),
    L(rect(6, 38, 24, 20, 2), panel),
    L(line(1.5, [18, 38], [18, 58]), frame),
    L(rect(64, 36, 28, 24, 3), frame),
    L(rect(66, 38, 24, 20, 2), panel),
    L(line(1.5, [78, 38], [78, 58]), frame),
    L(line(4, [30, 48], [66, 48]), rgba('#8A96A8')),
    L(rect(34, 30, 28, 36, 6), rgba('#8A96A8')),
    L(rect(37, 33, 22, 30, 4), rgba('#DDE3EA')),
    L(
      both(circle(48, 26, 14), (_x, y) => y <= 24),
      rgba('#FB7299'),
    ),
    L(line(2.5, [48, 24], [48, 10]), rgba('#8A96A8')),
    L(circle(48, 9, 3.5), RED),
    L(polygon([44, 42], [44, 56], [55, 49]), rgba('#FB7299')),
  ];
};

const kaomojiIcon = (): Layer[] => [
  L(rect(6, 14, 84, 68, 16), rgba('#FB7299')),
  L(rect(10, 18, 76, 60, 13), WHITE),
  L(line(4, [22, 50], [30, 40], [38, 50]), INK),
  L(line(4, [58, 50], [66, 40], [74, 50]), INK),
  L(arc(43, 58, 5, 3.5, 0, 180), INK),
  L(arc(53, 58, 5, 3.5, 0, 180), INK),
];

const DRAWINGS: Record<string, () => Layer[]> = {
  weixiao: () => [...face(), ...eyes.dots(), ...mouths.smile()],
  ok: () => [...face(), ...eyes.happy(), ...mouths.small(), ...extras.okBadge()],
  xingxingyan: () => [...face(), ...eyes.stars(), ...mouths.open()],
  miaoa: () => [...face(), ...brows.raised(), ...eyes.dots(), ...mouths.smirk(), ...extras.sparkles()],
  daku: () => [...face(), ...eyes.closedSad(), ...extras.tears(), ...mouths.wideOpen()],
  waizui: () => [...face(), ...eyes.sly(), ...mouths.smirk()],
  xihuan: () => [...face(), ...eyes.hearts(), ...mouths.open(), ...extras.blush()],
  suanle: () => [
    ...face(rgba('#C8E06A'), rgba('#8FAE2F')),
    ...eyes.flat(),
    ...mouths.wavy(),
    ...extras.sweat(),
  ],
  yihuo: () => [...face(), ...brows.raised(), ...eyes.dots(), ...mouths.flat(), ...extras.question()],
  chigua: () => [...face(), ...eyes.side(), ...mouths.small(), ...extras.melon()],
  tiaopi: () => [...face(), ...eyes.happy(), ...mouths.tongue()],
  touxiao: () => [...face(), ...eyes.happy(), ...extras.blush(), ...extras.hand(48, 68, 16, 10)],
  wuyu: () => [...face(), ...eyes.flat(), ...mouths.flat(), ...extras.sweat()],
  haixiu: () => [...face(), ...eyes.dots(4), ...mouths.small(), ...extras.blush(200)],
  jingya: () => [...face(), ...eyes.wide(), ...mouths.o()],
  dai: () => [
    ...face(),
    L(circle(34, 42, 3), INK),
    L(circle(62, 42, 3), INK),
    ...mouths.o(),
    ...extras.sweat(),
  ],
  shengqi: () => [
    ...face(rgba('#FF8A5B'), rgba('#D4542B')),
    ...brows.angry(),
    ...eyes.dots(2),
    ...mouths.frown(),
    ...extras.anger(),
  ],
  wulian: () => [
    ...face(),
    ...mouths.wavy(),
    ...extras.hand(34, 40, 14, 11, -20),
    ...extras.hand(62, 40, 14, 11, 20),
  ],
  xiaoku: () => [...face(), ...eyes.happy(), ...extras.drops(), ...mouths.open()],
  haqian: () => [...face(), ...eyes.flat(), ...mouths.wideOpen(), ...extras.drops(), ...extras.zzz()],
  nanguo: () => [...face(), ...brows.sad(), ...eyes.dots(), ...mouths.frown()],
  jianxiao: () => [...face(), ...brows.angry(), ...eyes.happy(), ...mouths.smirk()],
  sikao: () => [
    ...face(),
    ...brows.raised(),
    ...eyes.dots(),
    ...mouths.flat(),
    ...extras.hand(60, 80, 13, 9, -25),
  ],
  lianhong: () => [...face(rgba('#FFB04D')), ...eyes.dots(), ...mouths.o(), ...extras.blush(220)],
  zaijian: () => [...face(), ...eyes.happy(), ...mouths.smile(), ...extras.hand(84, 30, 9, 13, 20)],
  doge: dog,
  huaji: () => [...face(), ...eyes.side(), L(arc(48, 44, 26, 4.5, 25, 155), INK), ...extras.blush(140)],
  weiqu: () => [...face(), ...brows.sad(), ...eyes.dots(), ...extras.drops(), ...mouths.wavy()],
  yun: () => [...face(), ...eyes.spirals(), ...mouths.wavy()],
  zhuakuang: () => [
    ...face(rgba('#FF9F5A'), rgba('#D4542B')),
    ...brows.angry(),
    ...eyes.crosses(),
    ...mouths.zigzag(),
    ...extras.anger(),
  ],
  mojing: () => [...face(), ...eyes.shades(), ...mouths.smirk()],
  leng: () => [
    ...face(rgba('#A9D8F5'), rgba('#5B9BD0')),
    ...eyes.flat(),
    ...mouths.zigzag(),
    ...extras.icicles(),
  ],
  jiayouwuhan: () => [...face(), ...extras.headband(), ...brows.angry(), ...eyes.dots(3), ...mouths.open()],
  kouzhao: () => [...face(), ...eyes.dots(), ...extras.mask()],
  xiao: () => [...face(), ...eyes.happy(), ...mouths.open()],
  shipinweixing: satellite,
  layanjing: () => [...face(), ...eyes.crosses(), ...extras.tears(), ...mouths.wavy()],
  kaomoji: kaomojiIcon,
};

// --- rendering and PNG encoding ---

function render(layers: readonly Layer[]): Buffer {
  const pixels = Buffer.alloc(SIZE * SIZE * 4);
  const n = SAMPLES * SAMPLES;
  for (let py = 0; py < SIZE; py++) {
    for (let px = 0; px < SIZE; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let s = 0; s < n; s++) {
        const x = px + ((s % SAMPLES) + 0.5) / SAMPLES;
        const y = py + (Math.floor(s / SAMPLES) + 0.5) / SAMPLES;
        // Painter's algorithm per sample, premultiplied alpha.
        let sr = 0;
        let sg = 0;
        let sb = 0;
        let sa = 0;
        for (const { shape, color } of layers) {
          if (!shape(x, y)) continue;
          const ca = color[3] / 255;
          sr = color[0] * ca + sr * (1 - ca);
          sg = color[1] * ca + sg * (1 - ca);
          sb = color[2] * ca + sb * (1 - ca);
          sa = ca + sa * (1 - ca);
        }
        r += sr;
        g += sg;
        b += sb;
        a += sa;
      }
      const i = (py * SIZE + px) * 4;
      const alpha = a / n;
      pixels[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      pixels[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      pixels[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
  for (let y = 0; y < SIZE; y++) {
    rows[y * (SIZE * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
  }
  return Buffer.concat([
    Buffer.from('89504e470d0a1a0a', 'hex'),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// --- main ---

const files = new Set<string>();
for (const pkg of BUILTIN_PACKAGES) {
  if (pkg.icon) files.add(pkg.icon);
  for (const emote of pkg.emotes) if (emote.image) files.add(emote.image);
}

const check = process.argv.includes('--check');
mkdirSync(OUT, { recursive: true });
let stale = 0;
for (const file of [...files].sort()) {
  const draw = DRAWINGS[file.replace(/\.png$/, '')];
  if (!draw) throw new Error(`no drawing for ${file}`);
  const png = encodePng(render(draw()));
  const target = new URL(file, OUT);
  if (check) {
    let current: Buffer | null;
    try {
      current = readFileSync(target);
    } catch {
      current = null;
    }
    if (!current?.equals(png)) {
      console.error(`stale: assets/emotes/${file}`);
      stale++;
    }
  } else {
    writeFileSync(target, png);
  }
}
if (check && stale > 0) process.exit(1);
console.log(`${check ? 'checked' : 'wrote'} ${files.size} emote images in assets/emotes/`);
