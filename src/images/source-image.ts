/**
 * A picture a user gives as the start of a job, read with bounds: a pixel limit checked on the
 * header before anything is decoded (decompression bombs), the first frame of an animation, the
 * EXIF orientation applied, transparency flattened onto white. Anything that is not a picture
 * sharp reads is refused with a message naming what is accepted.
 */
import sharp, { type Metadata } from 'sharp';
import { UserError } from '../core/errors.js';
import type { RgbImage } from '../pipeline/types.js';

/** Formats accepted as image prompts. */
const FORMATS = new Set(['png', 'jpeg', 'webp', 'gif', 'avif', 'heif']);

export interface SourceLimits {
  /** Largest width×height of the picture as stored (before any resize). */
  maxPixels: number;
}

const refuse = (message: string) => new UserError(message, 'image-file');

/** The picture as 8-bit RGB, upright, flattened, first frame only; a UserError when it is not one or too large. */
export async function decodeSourceImage(data: Buffer, limits: SourceLimits): Promise<RgbImage> {
  let meta: Metadata;
  try {
    meta = await sharp(data, { pages: 1, limitInputPixels: false }).metadata();
  } catch {
    throw refuse('That file is not a picture this bot can read; use a PNG, JPEG, WebP or GIF.');
  }
  if (!meta.format || !FORMATS.has(meta.format)) throw refuse(`That file is ${meta.format ? `a ${meta.format.toUpperCase()} file` : 'not a picture'}; use a PNG, JPEG, WebP or GIF.`);
  const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
  if (!(pixels > 0)) throw refuse('That picture has no pixels.');
  if (pixels > limits.maxPixels) {
    throw refuse(`That picture is ${meta.width}×${meta.pageHeight ?? meta.height} pixels; this bot reads pictures of up to ${(limits.maxPixels / 1e6).toFixed(0)} megapixels.`);
  }
  try {
    const { data: raw, info } = await sharp(data, { pages: 1, limitInputPixels: limits.maxPixels })
      .rotate()
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) };
  } catch {
    throw refuse('That picture could not be read (it may be damaged); try another file.');
  }
}
