/**
 * What a person looking at the default model's pictures would check, as numbers: which colour the
 * drawing is, whether it is a clean flat drawing or a smear, and which emoji set it came from.
 */
import { DEFAULT_MODEL_DIR } from '../../src/config.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { colourOf, type ColourName } from '../../scripts/emoji-model/colours.js';
import { rasteriseSvg, tileToChw } from '../../scripts/emoji-model/raster.js';
import { loadEmojiSources, type EmojiStyle } from '../../scripts/emoji-model/sources.js';

export const MODEL_DIR = DEFAULT_MODEL_DIR;

const isBackground = (r: number, g: number, b: number) => r > 0.93 && g > 0.93 && b > 0.93;

/** Share of the non-white pixels that are of `colour`. */
export function colourShare(img: RgbImage, colour: ColourName): number {
  let drawn = 0;
  let hit = 0;
  for (let i = 0; i < img.data.length; i += 3) {
    const r = img.data[i]! / 255;
    const g = img.data[i + 1]! / 255;
    const b = img.data[i + 2]! / 255;
    if (isBackground(r, g, b)) continue;
    drawn++;
    if (colourOf(r, g, b) === colour) hit++;
  }
  return drawn === 0 ? 0 : hit / drawn;
}

/** Share of all pixels that are not white background. */
export function drawnShare(img: RgbImage): number {
  let drawn = 0;
  for (let i = 0; i < img.data.length; i += 3) if (!isBackground(img.data[i]! / 255, img.data[i + 1]! / 255, img.data[i + 2]! / 255)) drawn++;
  return drawn / (img.data.length / 3);
}

/** Distinct RGB values: a flat emoji drawing has a handful, PCA grain or noise has thousands. */
export function distinctColours(img: RgbImage): number {
  const seen = new Set<number>();
  for (let i = 0; i < img.data.length; i += 3) seen.add((img.data[i]! << 16) | (img.data[i + 1]! << 8) | img.data[i + 2]!);
  return seen.size;
}

/** Mean squared difference per channel, 0..255². */
export function mse(a: RgbImage, b: RgbImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += (a.data[i]! - b.data[i]!) ** 2;
  return s / a.data.length;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The emoji called `label` as each set draws it, rendered the way the build renders training tiles. */
export async function referenceDrawings(label: string): Promise<Map<EmojiStyle, RgbImage>> {
  const { concepts, drawings } = loadEmojiSources();
  const concept = concepts.findIndex((c) => c.label === label);
  if (concept < 0) throw new Error(`no emoji called ${label}`);
  const out = new Map<EmojiStyle, RgbImage>();
  for (const d of drawings.filter((x) => x.concept === concept)) {
    const chw = tileToChw(await rasteriseSvg(d.svg, { size: 64, content: 60 }));
    const data = new Uint8Array(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = Math.round(((chw[c * 4096 + p]! + 1) / 2) * 255);
    out.set(d.style, { width: 64, height: 64, data });
  }
  return out;
}

/** The style whose drawing of the emoji is nearest to `img`. */
export function nearestStyle(img: RgbImage, references: Map<EmojiStyle, RgbImage>): { style: EmojiStyle; distance: number } {
  let best: { style: EmojiStyle; distance: number } | undefined;
  for (const [style, ref] of references) {
    const d = mse(img, ref);
    if (!best || d < best.distance) best = { style, distance: d };
  }
  return best!;
}
