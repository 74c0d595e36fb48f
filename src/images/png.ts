import sharp from 'sharp';
import type { RgbImage } from '../pipeline/types.js';

export async function rgbToPng(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
}

/** Decodes any image sharp reads (PNG, WebP, JPEG) to 8-bit RGB, dropping alpha over white. */
export async function decodeToRgb(data: Buffer): Promise<RgbImage> {
  const { data: raw, info } = await sharp(data).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(raw.buffer, raw.byteOffset, raw.length) };
}
