/**
 * Rasterises emoji SVGs with sharp into same-sized RGBA tiles: each drawing is cropped to its
 * visible pixels and centred with the same margin, so the three sets line up for the PCA.
 */
import sharp from 'sharp';

export interface RasterOptions {
  size: number;
  /** Largest side of the drawing inside the tile, in pixels. */
  content: number;
  /** Rendering resolution before the crop and the downscale. */
  renderSize?: number;
}

/** Straight (not premultiplied) RGBA, row-major, 4 bytes a pixel. */
export interface RgbaTile {
  size: number;
  data: Uint8Array;
}

export async function rasteriseSvg(svg: string, options: RasterOptions): Promise<RgbaTile> {
  const render = options.renderSize ?? options.size * 4;
  const sized = svg.replace(/ width="[^"]*" height="[^"]*"/, ` width="${render}" height="${render}"`);
  const { data, info } = await sharp(Buffer.from(sized)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  const h = info.height;
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (data[(y * w + x) * 4 + 3]! > 8) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return { size: options.size, data: new Uint8Array(options.size * options.size * 4) };
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const scale = options.content / Math.max(cw, ch);
  const tw = Math.max(1, Math.round(cw * scale));
  const th = Math.max(1, Math.round(ch * scale));
  const inner = await sharp(data, { raw: { width: w, height: h, channels: 4 } })
    .extract({ left: x0, top: y0, width: cw, height: ch })
    .resize(tw, th, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer();
  const left = Math.floor((options.size - tw) / 2);
  const top = Math.floor((options.size - th) / 2);
  const out = await sharp({ create: { width: options.size, height: options.size, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([{ input: inner, raw: { width: tw, height: th, channels: 4 }, left, top }])
    .raw()
    .toBuffer();
  return { size: options.size, data: new Uint8Array(out.buffer, out.byteOffset, out.byteLength) };
}

/** Runs `work` over `items` with a bounded number in flight, keeping the results in order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Straight RGBA over a white background, as floats in [-1, 1] in CHW order (the VAE's pixel space). */
export function tileToChw(tile: RgbaTile): Float32Array {
  const plane = tile.size * tile.size;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    const a = tile.data[p * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) {
      const v = (tile.data[p * 4 + c]! / 255) * a + (1 - a);
      out[c * plane + p] = v * 2 - 1;
    }
  }
  return out;
}
