import sharp from 'sharp';
import type { RgbImage } from '../pipeline/types.js';

/** Smallest side a tile is shown at, so a 64×64 model's grid is still readable in a chat client. */
export const MIN_TILE_SIDE = 256;
/** Smallest side of a single image as shown in chat. */
export const MIN_SINGLE_SIDE = 512;

/** Integer factor that brings the smaller side to at least `minSide` (1 when it already is). */
export function displayScale(width: number, height: number, minSide: number): number {
  return Math.max(1, Math.ceil(minSide / Math.min(width, height)));
}

/**
 * Four images (or fewer) in a 2×2 grid, numbered 1–4 left to right, top to bottom as U1–U4 are.
 * Small images are enlarged for display; the stored originals stay as generated.
 */
export async function makeGrid(images: RgbImage[], options: { minTile?: number; gap?: number } = {}): Promise<{ png: Buffer; width: number; height: number }> {
  if (images.length === 0) throw new Error('a grid needs at least one image');
  const first = images[0]!;
  const scale = displayScale(first.width, first.height, options.minTile ?? MIN_TILE_SIDE);
  const tw = first.width * scale;
  const th = first.height * scale;
  const gap = options.gap ?? Math.max(2, Math.round(tw / 128));
  const cols = images.length === 1 ? 1 : 2;
  const rows = Math.ceil(images.length / cols);
  const width = cols * tw + (cols - 1) * gap;
  const height = rows * th + (rows - 1) * gap;
  const tiles = await Promise.all(
    images.map((img) =>
      sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
        .resize(tw, th, { kernel: scale > 1 ? 'lanczos3' : 'nearest', fit: 'fill' })
        .png()
        .toBuffer(),
    ),
  );
  const png = await sharp({ create: { width, height, channels: 3, background: '#1e1f22' } })
    .composite(tiles.map((input, i) => ({ input, left: (i % cols) * (tw + gap), top: Math.floor(i / cols) * (th + gap) })))
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, width, height };
}

/** A copy enlarged (Lanczos) so its smaller side is at least `minSide`; undefined when it already is. */
export async function enlargeForDisplay(image: RgbImage, minSide = MIN_SINGLE_SIDE): Promise<{ png: Buffer; width: number; height: number } | undefined> {
  const scale = displayScale(image.width, image.height, minSide);
  if (scale === 1) return undefined;
  const width = image.width * scale;
  const height = image.height * scale;
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .png({ compressionLevel: 6 })
    .toBuffer();
  return { png, width, height };
}
