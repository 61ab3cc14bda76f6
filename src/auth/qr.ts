// QR Code encoder (ISO/IEC 18004), byte mode only. It lets the TOTP setup page show the otpauth:// URI
// as an inline SVG, so the secret never leaves the server and no third-party package is needed.
// Everything renders on one grid indexed [row][col]; `true` means a dark module.

/** Error correction level: roughly 7 / 15 / 25 / 30 % of the symbol can be damaged and still decode. */
export type QrEcl = "L" | "M" | "Q" | "H";

/** Options for {@link qrMatrix}. `mask` (0-7) bypasses penalty scoring; `minVersion` forces a larger symbol. */
export interface QrOptions { ecl?: QrEcl; mask?: number; minVersion?: number }

/** Options for {@link qrSvg}. `label` becomes the accessible name; sizes are in CSS pixels / modules. */
export interface QrSvgOptions { moduleSize?: number; margin?: number; label?: string }

const ECL_ROW = { L: 0, M: 1, Q: 2, H: 3 } as const;
// The format information encodes the levels in this non-alphabetical order (ISO Table 12).
const ECL_FORMAT_BITS = { L: 1, M: 0, Q: 3, H: 2 } as const;

// ISO Table 9 by [level][version]; index 0 is a placeholder so versions index directly.
// Total codeword counts are derived from the module layout instead of tabulated.
const EC_CODEWORDS_PER_BLOCK = [
  [0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
   28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
   26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
  [0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
   28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
  [0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
   30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
];
const EC_BLOCKS = [
  [0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
   8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
  [0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
   17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
  [0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
   23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
  [0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
   25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
];

const at = (table: number[][], ecl: QrEcl, version: number): number => table[ECL_ROW[ecl]]![version]!;

/** Modules left for codewords once finder, timing, alignment, format and version areas are taken. */
function rawDataModules(version: number): number {
  let modules = (16 * version + 128) * version + 64;
  if (version >= 2) {
    const align = Math.floor(version / 7) + 2;
    modules -= (25 * align - 10) * align - 55;
    if (version >= 7) modules -= 36;
  }
  return modules;
}

function dataCapacity(version: number, ecl: QrEcl): number {
  const total = Math.floor(rawDataModules(version) / 8);
  return total - at(EC_CODEWORDS_PER_BLOCK, ecl, version) * at(EC_BLOCKS, ecl, version);
}

// Byte mode's character count field widens from 8 to 16 bits at version 10.
const countBits = (version: number): number => (version < 10 ? 8 : 16);

/** Mode indicator, length, payload, terminator, then alternating pad bytes up to the version's capacity. */
function dataCodewords(bytes: Uint8Array, version: number, capacity: number): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, countBits(version));
  for (const b of bytes) push(b, 8);
  push(0, Math.min(4, capacity * 8 - bits.length));
  push(0, (8 - (bits.length % 8)) % 8);
  const words: number[] = [];
  for (let i = 0; i < bits.length; i += 8) words.push(bits.slice(i, i + 8).reduce((w, b) => (w << 1) | b, 0));
  for (let pad = 0xec; words.length < capacity; pad ^= 0xec ^ 0x11) words.push(pad);
  return words;
}

/** Multiplication in GF(2^8) modulo the QR field polynomial x^8+x^4+x^3+x^2+1 (0x11D). */
function gfMul(a: number, b: number): number {
  let product = 0;
  for (let i = 7; i >= 0; i--) {
    product = (product << 1) ^ ((product >>> 7) * 0x11d);
    product ^= ((b >>> i) & 1) * a;
  }
  return product;
}

/** Generator polynomial prod(x - 2^i), i < degree, high coefficients first and the leading 1 implied. */
function rsGenerator(degree: number): number[] {
  const coefs: number[] = Array.from({ length: degree }, (_, i) => (i === degree - 1 ? 1 : 0));
  for (let i = 0, root = 1; i < degree; i++, root = gfMul(root, 2)) {
    for (let j = 0; j < degree; j++) coefs[j] = gfMul(coefs[j]!, root) ^ (coefs[j + 1] ?? 0);
  }
  return coefs;
}

function rsRemainder(data: number[], generator: number[]): number[] {
  const rem = generator.map(() => 0);
  for (const byte of data) {
    const factor = byte ^ rem.shift()!;
    rem.push(0);
    generator.forEach((coef, i) => (rem[i] = rem[i]! ^ gfMul(coef, factor)));
  }
  return rem;
}

function interleave(blocks: number[][]): number[] {
  const out: number[] = [];
  const longest = Math.max(...blocks.map((b) => b.length));
  for (let i = 0; i < longest; i++) for (const b of blocks) if (i < b.length) out.push(b[i]!);
  return out;
}

/** Splits data into blocks (the later ones one codeword longer), adds ECC, and interleaves both. */
function withErrorCorrection(data: number[], version: number, ecl: QrEcl): number[] {
  const blockCount = at(EC_BLOCKS, ecl, version);
  const ecLength = at(EC_CODEWORDS_PER_BLOCK, ecl, version);
  const total = Math.floor(rawDataModules(version) / 8);
  const shortLength = Math.floor(total / blockCount) - ecLength;
  const shortCount = blockCount - (total % blockCount);
  const generator = rsGenerator(ecLength);
  const blocks: number[][] = [];
  for (let i = 0, start = 0; i < blockCount; i++) {
    const length = shortLength + (i < shortCount ? 0 : 1);
    blocks.push(data.slice(start, (start += length)));
  }
  return [...interleave(blocks), ...interleave(blocks.map((b) => rsRemainder(b, generator)))];
}

/** Centres of alignment patterns along one axis: evenly spaced from the far edge back to column 6. */
function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const step = Math.floor((version * 8 + count * 3 + 5) / (count * 4 - 4)) * 2;
  const centres = [6];
  for (let pos = version * 4 + 10; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
}

type Setter = (row: number, col: number, dark: boolean) => void;

/** Writes both copies of the 15-bit format word; BCH(15,5) protected and XORed so it is never all light. */
function drawFormat(set: Setter, size: number, ecl: QrEcl, mask: number): void {
  const data = (ECL_FORMAT_BITS[ecl] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  const bits = ((data << 10) | rem) ^ 0x5412;
  for (let i = 0; i < 15; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    set(i < 6 ? i : i < 8 ? i + 1 : size - 15 + i, 8, dark);
    set(8, i < 8 ? size - 1 - i : i < 9 ? 7 : 14 - i, dark);
  }
  set(size - 8, 8, true); // the always-dark module next to the lower-left format copy
}

/** Versions 7+ carry their number twice as an 18-bit BCH(18,6) word so readers need not infer it. */
function drawVersion(set: Setter, size: number, version: number): void {
  if (version < 7) return;
  let rem = version;
  for (let i = 0; i < 12; i++) rem = (rem << 1) ^ ((rem >>> 11) * 0x1f25);
  const bits = (version << 12) | rem;
  for (let i = 0; i < 18; i++) {
    const dark = ((bits >>> i) & 1) === 1;
    set(Math.floor(i / 3), size - 11 + (i % 3), dark);
    set(size - 11 + (i % 3), Math.floor(i / 3), dark);
  }
}

type Grid = { size: number; dark: boolean[][]; reserved: boolean[][] };

/** Concentric square rings around a centre, dark except at the ring distances listed in `light`. */
function drawRings(set: Setter, row: number, col: number, radius: number, light: number[]): void {
  for (let dr = -radius; dr <= radius; dr++) {
    for (let dc = -radius; dc <= radius; dc++) {
      set(row + dr, col + dc, !light.includes(Math.max(Math.abs(dr), Math.abs(dc))));
    }
  }
}

function functionPatterns(version: number, ecl: QrEcl): Grid {
  const size = version * 4 + 17;
  const blank = () => Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  const grid: Grid = { size, dark: blank(), reserved: blank() };
  const set: Setter = (row, col, dark) => {
    if (row < 0 || col < 0 || row >= size || col >= size) return;
    grid.dark[row]![col] = dark;
    grid.reserved[row]![col] = true;
  };
  for (let i = 0; i < size; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  const centres = alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((r, i) =>
    centres.forEach((c, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return; // finders sit there
      drawRings(set, r, c, 2, [1]);
    }),
  );
  // Ring 4 is the light separator that keeps finders distinguishable from the data next to them.
  for (const [row, col] of [[3, 3], [3, size - 4], [size - 4, 3]] as const) drawRings(set, row, col, 4, [2, 4]);
  drawFormat(set, size, ecl, 0); // placeholder: reserves the area, real bits depend on the mask
  drawVersion(set, size, version);
  return grid;
}

/** Fills codeword bits in the standard two-column zigzag, skipping reserved modules. */
function placeCodewords(grid: Grid, codewords: number[]): void {
  const { size, dark, reserved } = grid;
  let bit = 0;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5; // the vertical timing pattern shifts every column pair left of it
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const row = upward ? size - 1 - step : step;
      for (const col of [right, right - 1]) {
        if (reserved[row]![col] || bit >= codewords.length * 8) continue;
        dark[row]![col] = ((codewords[bit >>> 3]! >>> (7 - (bit & 7))) & 1) === 1;
        bit++;
      }
    }
  }
}

const MASKS: ((r: number, c: number) => boolean)[] = [
  (r, c) => (r + c) % 2 === 0,
  (r) => r % 2 === 0,
  (_, c) => c % 3 === 0,
  (r, c) => (r + c) % 3 === 0,
  (r, c) => (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0,
  (r, c) => ((r * c) % 2) + ((r * c) % 3) === 0,
  (r, c) => (((r * c) % 2) + ((r * c) % 3)) % 2 === 0,
  (r, c) => (((r + c) % 2) + ((r * c) % 3)) % 2 === 0,
];

function applyMask(grid: Grid, ecl: QrEcl, mask: number): boolean[][] {
  const pattern = MASKS[mask]!;
  const out = grid.dark.map((row, r) => row.map((d, c) => d !== (!grid.reserved[r]![c] && pattern(r, c))));
  drawFormat((r, c, d) => (out[r]![c] = d), grid.size, ecl, mask);
  return out;
}

/** N1 (runs of 5+ same-colour modules) plus N3 (finder-like 1011101 with four light modules on a side). */
function linePenalty(line: boolean[]): number {
  let score = 0;
  let run = 0;
  let window = 0;
  line.forEach((dark, i) => {
    run = i > 0 && dark === line[i - 1] ? run + 1 : 1;
    if (run === 5) score += 3;
    else if (run > 5) score += 1;
    // Only modules inside the symbol count, as in the `qrcode` npm package, not the implied quiet zone.
    window = ((window << 1) & 0x7ff) | (dark ? 1 : 0);
    if (i >= 10 && (window === 0b10111010000 || window === 0b00001011101)) score += 40;
  });
  return score;
}

/** ISO/IEC 18004 mask penalty: the lowest score avoids patterns that readers confuse with finders or timing. */
function penalty(m: boolean[][]): number {
  const size = m.length;
  const columns = m.map((_, c) => m.map((row) => row[c]!));
  let score = [...m, ...columns].reduce((sum, line) => sum + linePenalty(line), 0);
  let dark = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const d = m[r]![c]!;
      if (d) dark++;
      if (r + 1 < size && c + 1 < size && d === m[r]![c + 1] && d === m[r + 1]![c] && d === m[r + 1]![c + 1]) score += 3;
    }
  }
  // N4: 10 points per full 5% step the dark share deviates from 50%.
  return score + 10 * Math.floor(Math.abs(dark * 20 - size * size * 10) / (size * size));
}

/**
 * Encodes `text` as UTF-8 bytes in the smallest QR version that fits; returns modules as [row][col],
 * `true` = dark, without quiet zone. Throws if the text does not fit a version 40 symbol.
 */
export function qrMatrix(text: string, opts: QrOptions = {}): boolean[][] {
  const { ecl = "M", mask, minVersion = 1 } = opts;
  const inRange = (n: number, lo: number, hi: number) => Number.isInteger(n) && n >= lo && n <= hi;
  if (mask !== undefined && !inRange(mask, 0, 7)) throw new RangeError("QR: mask must be an integer 0-7");
  if (!inRange(minVersion, 1, 40)) throw new RangeError("QR: minVersion must be an integer 1-40");
  const bytes = new TextEncoder().encode(text);
  let version = minVersion;
  const fits = (v: number) => 4 + countBits(v) + 8 * bytes.length <= dataCapacity(v, ecl) * 8;
  while (version <= 40 && !fits(version)) version++;
  if (version > 40) {
    const max = dataCapacity(40, ecl) - 3; // minus mode indicator and 16-bit length, rounded up to bytes
    throw new Error(`QR: text is ${bytes.length} bytes in UTF-8, but at most ${max} fit in a QR code at level ${ecl}`);
  }
  const grid = functionPatterns(version, ecl);
  placeCodewords(grid, withErrorCorrection(dataCodewords(bytes, version, dataCapacity(version, ecl)), version, ecl));
  if (mask !== undefined) return applyMask(grid, ecl, mask);
  const candidates = MASKS.map((_, m) => applyMask(grid, ecl, m));
  const scores = candidates.map(penalty);
  return candidates[scores.indexOf(Math.min(...scores))]!; // ties go to the lowest mask number
}

const XML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for a double- or single-quoted XML attribute value. */
const escapeAttr = (s: string): string => s.replace(/[&<>"']/g, (ch) => XML_ESCAPES[ch]!);

/**
 * Renders `text` as a standalone SVG: a white background (so it scans on dark themes too) and one
 * path of dark modules, horizontal runs merged to keep the markup small.
 */
export function qrSvg(text: string, opts: QrSvgOptions = {}): string {
  const { moduleSize = 4, margin = 4, label = "QR code" } = opts;
  if (!(Number.isFinite(moduleSize) && moduleSize > 0)) throw new RangeError("QR: moduleSize must be a positive number");
  if (!(Number.isInteger(margin) && margin >= 0)) throw new RangeError("QR: margin must be a non-negative integer");
  const matrix = qrMatrix(text);
  const dim = matrix.length + 2 * margin;
  let path = "";
  matrix.forEach((row, r) => {
    for (let c = 0; c < row.length; c++) {
      if (!row[c]) continue;
      const start = c;
      while (row[c + 1]) c++;
      path += `M${start + margin} ${r + margin}h${c - start + 1}v1H${start + margin}z`;
    }
  });
  const px = dim * moduleSize;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${px}" height="${px}" viewBox="0 0 ${dim} ${dim}" ` +
    `role="img" aria-label="${escapeAttr(label)}" shape-rendering="crispEdges">` +
    `<rect width="100%" height="100%" fill="#fff"/><path fill="#000" d="${path}"/></svg>`
  );
}
