/**
 * Emoji are flat drawings: 16 colours per tile reproduce them almost exactly, at 4 bits a pixel.
 * The VAE decoder keeps every training tile this way and paints it back when a latent lands on
 * the tile's own latent, so finished images are crisp instead of showing PCA ringing.
 */

export const PALETTE_SIZE = 16;

export interface PalettedTile {
  /** PALETTE_SIZE×3 colours in [-1, 1] (the VAE's pixel range). */
  palette: Float32Array;
  /** One palette index a pixel, row-major. */
  indices: Uint8Array;
}

/**
 * k-means in RGB with a deterministic maximin start (the first centre is the top-left pixel,
 * the white background), so the same tile always gives the same palette.
 */
export function quantiseTile(chw: Float32Array, pixels: number, colours = PALETTE_SIZE, iterations = 10): PalettedTile {
  const r = chw.subarray(0, pixels);
  const g = chw.subarray(pixels, 2 * pixels);
  const b = chw.subarray(2 * pixels, 3 * pixels);
  const cr = new Float64Array(colours);
  const cg = new Float64Array(colours);
  const cb = new Float64Array(colours);
  cr[0] = r[0]!;
  cg[0] = g[0]!;
  cb[0] = b[0]!;
  const nearest = new Float64Array(pixels).fill(Infinity);
  for (let k = 1; k < colours; k++) {
    let best = 0;
    let bestD = -1;
    for (let p = 0; p < pixels; p++) {
      const d = (r[p]! - cr[k - 1]!) ** 2 + (g[p]! - cg[k - 1]!) ** 2 + (b[p]! - cb[k - 1]!) ** 2;
      if (d < nearest[p]!) nearest[p] = d;
      if (nearest[p]! > bestD) {
        bestD = nearest[p]!;
        best = p;
      }
    }
    cr[k] = r[best]!;
    cg[k] = g[best]!;
    cb[k] = b[best]!;
  }
  const indices = new Uint8Array(pixels);
  const sr = new Float64Array(colours);
  const sg = new Float64Array(colours);
  const sb = new Float64Array(colours);
  const count = new Float64Array(colours);
  for (let it = 0; it <= iterations; it++) {
    sr.fill(0);
    sg.fill(0);
    sb.fill(0);
    count.fill(0);
    for (let p = 0; p < pixels; p++) {
      const pr = r[p]!;
      const pg = g[p]!;
      const pb = b[p]!;
      let bi = 0;
      let bd = Infinity;
      for (let k = 0; k < colours; k++) {
        const d = (pr - cr[k]!) ** 2 + (pg - cg[k]!) ** 2 + (pb - cb[k]!) ** 2;
        if (d < bd) {
          bd = d;
          bi = k;
        }
      }
      indices[p] = bi;
      sr[bi]! += pr;
      sg[bi]! += pg;
      sb[bi]! += pb;
      count[bi]! += 1;
    }
    if (it === iterations) break;
    for (let k = 0; k < colours; k++) {
      if (count[k]! === 0) continue;
      cr[k] = sr[k]! / count[k]!;
      cg[k] = sg[k]! / count[k]!;
      cb[k] = sb[k]! / count[k]!;
    }
  }
  const palette = new Float32Array(colours * 3);
  for (let k = 0; k < colours; k++) {
    palette[k * 3] = cr[k]!;
    palette[k * 3 + 1] = cg[k]!;
    palette[k * 3 + 2] = cb[k]!;
  }
  return { palette, indices };
}

/** Two 4-bit indices a byte, the first pixel in the high nibble. */
export function packNibbles(indices: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(indices.length / 2));
  for (let i = 0; i < out.length; i++) out[i] = ((indices[2 * i]! & 15) << 4) | ((indices[2 * i + 1] ?? 0) & 15);
  return out;
}

/** The tile painted from its palette, CHW in [-1, 1]. */
export function paintTile(tile: PalettedTile, pixels: number): Float32Array {
  const out = new Float32Array(3 * pixels);
  for (let p = 0; p < pixels; p++) {
    const k = tile.indices[p]!;
    for (let c = 0; c < 3; c++) out[c * pixels + p] = tile.palette[k * 3 + c]!;
  }
  return out;
}
