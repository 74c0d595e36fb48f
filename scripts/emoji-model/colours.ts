/**
 * Colour words are matched against the pixels, not the names: "blue car" should find a car that
 * is blue, and a negative prompt "red" should steer away from red pictures whatever they are called.
 */
import type { RgbaTile } from './raster.js';

export const COLOUR_NAMES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'grey'] as const;
export type ColourName = (typeof COLOUR_NAMES)[number];

/** Other words for the same colour classes. */
export const COLOUR_ALIASES: Record<string, ColourName> = { gray: 'grey', violet: 'purple', cyan: 'blue', turquoise: 'blue', golden: 'yellow', gold: 'yellow' };

function hsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const d = max - min;
  let h = 0;
  if (d > 0) {
    if (max === r) h = ((g - b) / d + 6) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  return [h * 60, max === 0 ? 0 : d / max, max];
}

/** The colour class of one pixel (r, g, b in 0..1). */
export function colourOf(r: number, g: number, b: number): ColourName {
  const [h, s, v] = hsv(r, g, b);
  if (v < 0.22) return 'black';
  if (s < 0.15) return v > 0.85 ? 'white' : 'grey';
  if (s < 0.3 && v < 0.5) return 'grey';
  if ((h < 15 || h >= 340) && s < 0.55 && v > 0.75) return 'pink';
  if (h >= 10 && h < 45 && v < 0.6) return 'brown';
  if (h < 15 || h >= 340) return 'red';
  if (h < 42) return 'orange';
  if (h < 68) return 'yellow';
  if (h < 165) return 'green';
  if (h < 255) return 'blue';
  if (h < 295) return 'purple';
  return 'pink';
}

/** Share of the drawing's visible pixels in each colour class (alpha-weighted). */
export function colourShares(tile: RgbaTile): Float32Array {
  const out = new Float32Array(COLOUR_NAMES.length);
  let total = 0;
  const px = tile.size * tile.size;
  for (let p = 0; p < px; p++) {
    const a = tile.data[p * 4 + 3]! / 255;
    if (a < 0.5) continue;
    const c = colourOf(tile.data[p * 4]! / 255, tile.data[p * 4 + 1]! / 255, tile.data[p * 4 + 2]! / 255);
    out[COLOUR_NAMES.indexOf(c)]! += a;
    total += a;
  }
  if (total > 0) for (let i = 0; i < out.length; i++) out[i]! /= total;
  return out;
}

/**
 * How well a colour word describes a drawing, 0..1: a colour covering `full` of it or more
 * counts fully (outlines and highlights take their share of any drawing).
 */
export function colourMembership(shares: Float32Array, full = 0.5): Float32Array {
  return Float32Array.from(shares, (s) => Math.min(1, s / full));
}
