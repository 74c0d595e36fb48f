import sharp from 'sharp';
import { DRAWN_GRID, drawnCell } from '../core/drawn-region.js';
import type { JobParams } from '../core/jobs.js';
import type { RgbImage } from '../pipeline/types.js';

type JobRegion = NonNullable<JobParams['region']>;
/** One value per pixel: 255 repaint, 0 keep. */
export type PixelMask = { width: number; height: number; data: Uint8Array };

/**
 * Outpainting's start (Zoom Out, Make Square, Pan): the image resized to `place` inside a
 * width×height canvas whose new part is the image's own edges carried outwards and blurred, a
 * start that img2img can paint over. Returns the canvas and the resized image, to paste back
 * sharp after generation.
 */
export async function outpaintCanvas(
  image: RgbImage,
  width: number,
  height: number,
  place: { left: number; top: number; width: number; height: number },
): Promise<{ canvas: RgbImage; inner: RgbImage }> {
  const { left, top, width: iw, height: ih } = place;
  const raw = { raw: { width: image.width, height: image.height, channels: 3 as const } };
  const innerBuf = image.width === iw && image.height === ih ? Buffer.from(image.data) : await sharp(image.data, raw).resize(iw, ih, { kernel: 'lanczos3', fit: 'fill' }).raw().toBuffer();
  // A plain background stays plain, a scene gets its colours continued for img2img to paint over.
  const backdrop = await sharp(innerBuf, { raw: { width: iw, height: ih, channels: 3 } })
    .extend({ top, bottom: height - ih - top, left, right: width - iw - left, extendWith: 'copy' })
    .blur(Math.max(1, Math.min(width, height) / 16))
    .raw()
    .toBuffer();
  const canvasBuf = await sharp(backdrop, { raw: { width, height, channels: 3 } })
    .composite([{ input: innerBuf, raw: { width: iw, height: ih, channels: 3 }, left, top }])
    // Compositing adds an alpha channel; the pipeline takes RGB.
    .removeAlpha()
    .raw()
    .toBuffer();
  return { canvas: { width, height, data: new Uint8Array(canvasBuf) }, inner: { width: iw, height: ih, data: new Uint8Array(innerBuf) } };
}

/**
 * Pastes `inner` at (left, top), blending its outermost pixels so the seam is soft; an edge that
 * lies on the canvas's border meets nothing new and is pasted as it is.
 */
export function pasteWithFeather(base: RgbImage, inner: RgbImage, left: number, top: number, feather = 2): RgbImage {
  const out = new Uint8Array(base.data);
  const far = Number.MAX_SAFE_INTEGER;
  const open = { left: left > 0, top: top > 0, right: left + inner.width < base.width, bottom: top + inner.height < base.height };
  for (let y = 0; y < inner.height; y++) {
    for (let x = 0; x < inner.width; x++) {
      const edge = Math.min(open.left ? x : far, open.top ? y : far, open.right ? inner.width - 1 - x : far, open.bottom ? inner.height - 1 - y : far);
      const a = feather > 0 ? Math.min(1, (edge + 1) / (feather + 1)) : 1;
      const bi = ((top + y) * base.width + (left + x)) * 3;
      const ii = (y * inner.width + x) * 3;
      for (let c = 0; c < 3; c++) out[bi + c] = Math.round(out[bi + c]! * (1 - a) + inner.data[ii + c]! * a);
    }
  }
  return { width: base.width, height: base.height, data: out };
}

/** A rectangle of a picture in pixels, from fractions of its size. */
export function regionRect(width: number, height: number, r: { left: number; top: number; width: number; height: number }): { x0: number; y0: number; x1: number; y1: number } {
  return { x0: Math.round(r.left * width), y0: Math.round(r.top * height), x1: Math.round((r.left + r.width) * width), y1: Math.round((r.top + r.height) * height) };
}

/** The inpainting mask of a rectangle: 255 inside (repaint), 0 outside (keep). */
export function rectMask(width: number, height: number, rect: { x0: number; y0: number; x1: number; y1: number }): PixelMask {
  const data = new Uint8Array(width * height);
  for (let y = rect.y0; y < rect.y1; y++) data.fill(255, y * width + rect.x0, y * width + rect.x1);
  return { width, height, data };
}

/** A Vary (Region) region's inpainting mask at width×height: its drawn cells, or its rectangle. */
export function regionMask(width: number, height: number, region: JobRegion): PixelMask {
  if (!region.cells) return rectMask(width, height, regionRect(width, height, region));
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = Math.min(DRAWN_GRID - 1, Math.floor((y * DRAWN_GRID) / height));
    for (let x = 0; x < width; x++) {
      if (drawnCell(region.cells, Math.min(DRAWN_GRID - 1, Math.floor((x * DRAWN_GRID) / width)), row)) data[y * width + x] = 255;
    }
  }
  return { width, height, data };
}

/**
 * The repainted picture with the original put back outside the mask, blended over `feather`
 * pixels just outside it (by the distance to the nearest masked pixel, counting diagonal steps
 * as one), so the pixels beyond the edge are the original's.
 */
export function keepOutside(result: RgbImage, original: RgbImage, mask: PixelMask, feather = 3): RgbImage {
  const { width, height } = result;
  const far = feather + 1;
  // Distance to the mask in rings of 8-neighbours, up to `far`.
  const dist = Uint8Array.from(mask.data, (m) => (m >= 128 ? 0 : far));
  for (let ring = 1; ring < far; ring++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (dist[y * width + x] !== far) continue;
        let near = false;
        for (let dy = -1; dy <= 1 && !near; dy++) {
          const yy = y + dy;
          if (yy < 0 || yy >= height) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const xx = x + dx;
            if (xx >= 0 && xx < width && dist[yy * width + xx] === ring - 1) {
              near = true;
              break;
            }
          }
        }
        if (near) dist[y * width + x] = ring;
      }
    }
  }
  const out = new Uint8Array(result.data);
  for (let p = 0; p < width * height; p++) {
    const d = dist[p]!;
    if (d === 0) continue;
    const a = Math.min(1, d / far);
    for (let c = 0; c < 3; c++) out[p * 3 + c] = Math.round(out[p * 3 + c]! * (1 - a) + original.data[p * 3 + c]! * a);
  }
  return { width, height, data: out };
}
