import sharp from 'sharp';
import type { RgbImage } from '../pipeline/types.js';

/**
 * Zoom Out: the image shrunk by `factor` into the middle of a width×height canvas whose border
 * is the image's own edges carried outwards and blurred, a start that img2img can paint over. Returns
 * the canvas and the shrunk image with its place, to paste back sharp after generation.
 */
export async function zoomOutCanvas(image: RgbImage, factor: number, width: number, height: number): Promise<{ canvas: RgbImage; inner: RgbImage; left: number; top: number }> {
  const iw = Math.max(8, Math.round(width / factor));
  const ih = Math.max(8, Math.round(height / factor));
  const left = Math.floor((width - iw) / 2);
  const top = Math.floor((height - ih) / 2);
  const raw = { raw: { width: image.width, height: image.height, channels: 3 as const } };
  const innerBuf = await sharp(image.data, raw).resize(iw, ih, { kernel: 'lanczos3', fit: 'fill' }).raw().toBuffer();
  // The border starts as the picture's own edges carried outwards and blurred: a plain
  // background stays plain, a scene gets its colours continued for img2img to paint over.
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
  return {
    canvas: { width, height, data: new Uint8Array(canvasBuf) },
    inner: { width: iw, height: ih, data: new Uint8Array(innerBuf) },
    left,
    top,
  };
}

/** Pastes `inner` at (left, top), blending its outermost pixels so the seam is soft. */
export function pasteWithFeather(base: RgbImage, inner: RgbImage, left: number, top: number, feather = 2): RgbImage {
  const out = new Uint8Array(base.data);
  for (let y = 0; y < inner.height; y++) {
    for (let x = 0; x < inner.width; x++) {
      const edge = Math.min(x, y, inner.width - 1 - x, inner.height - 1 - y);
      const a = feather > 0 ? Math.min(1, (edge + 1) / (feather + 1)) : 1;
      const bi = ((top + y) * base.width + (left + x)) * 3;
      const ii = (y * inner.width + x) * 3;
      for (let c = 0; c < 3; c++) out[bi + c] = Math.round(out[bi + c]! * (1 - a) + inner.data[ii + c]! * a);
    }
  }
  return { width: base.width, height: base.height, data: out };
}
