import sharp from 'sharp';

export interface EncodedImage {
  data: Buffer;
  format: 'png' | 'webp' | 'jpeg';
  width: number;
  height: number;
}

/**
 * Fits an image under a byte limit (e.g. Discord's attachment size limit): the image as it is when
 * it fits, else WebP then JPEG at falling quality, then smaller sizes. Never fails for size alone.
 */
export async function encodeUnderLimit(png: Buffer, maxBytes: number): Promise<EncodedImage> {
  const meta = await sharp(png).metadata();
  const width0 = meta.width ?? 0;
  const height0 = meta.height ?? 0;
  // A WebP or JPEG (a live preview) that fits goes as it is, under its own format.
  const own = meta.format === 'webp' || meta.format === 'jpeg' ? meta.format : 'png';
  if (png.length <= maxBytes) return { data: png, format: own, width: width0, height: height0 };
  let scale = 1;
  for (let round = 0; round < 12; round++) {
    const width = Math.max(16, Math.round(width0 * scale));
    const height = Math.max(16, Math.round(height0 * scale));
    const base = () => (scale === 1 ? sharp(png) : sharp(png).resize(width, height, { kernel: 'lanczos3', fit: 'fill' }));
    for (const quality of [90, 75, 60]) {
      const webp = await base().webp({ quality }).toBuffer();
      if (webp.length <= maxBytes) return { data: webp, format: 'webp', width, height };
    }
    const jpeg = await base().jpeg({ quality: 70, mozjpeg: true }).toBuffer();
    if (jpeg.length <= maxBytes) return { data: jpeg, format: 'jpeg', width, height };
    scale *= 0.75;
  }
  throw new Error(`cannot fit a ${width0}×${height0} image under ${maxBytes} bytes`);
}

/** `name.png` → `name.webp` etc. */
export function withExtension(filename: string, format: EncodedImage['format']): string {
  const ext = format === 'jpeg' ? 'jpg' : format;
  return filename.replace(/\.[a-z0-9]+$/i, '') + `.${ext}`;
}

/** The width and height of an encoded image (PNG, WebP, JPEG), from its header. */
export async function imageSize(data: Buffer): Promise<{ width: number; height: number }> {
  const meta = await sharp(data).metadata();
  return { width: meta.width ?? 0, height: meta.height ?? 0 };
}

/** A PNG no larger than `maxSide` on its long side (smaller pictures as they are). */
export async function thumbnail(png: Buffer, maxSide: number): Promise<Buffer> {
  return sharp(png).resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true }).png().toBuffer();
}
