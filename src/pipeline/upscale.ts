import sharp from 'sharp';
import { readFloat, type ModelSession } from './onnx-session.js';
import type { RgbImage } from './types.js';

export type UpscaleFactor = 2 | 4;

/** Lanczos resampling through sharp (libvips), the fallback when no upscaler model is configured. */
export async function lanczosResize(image: RgbImage, width: number, height: number): Promise<RgbImage> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export interface TileOptions {
  /** Largest input tile the model sees (a model with a fixed input size uses that size). */
  tile?: number;
  /** Context pixels around each tile's kept centre, so seams do not show. */
  overlap?: number;
}

/** Copies a window of the image into NCHW floats in [0, 1], repeating edge pixels past the border. */
function windowTensor(image: RgbImage, x0: number, y0: number, w: number, h: number): Float32Array {
  const plane = w * h;
  const x = new Float32Array(plane * 3);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(image.height - 1, Math.max(0, y0 + y));
    for (let xx = 0; xx < w; xx++) {
      const sx = Math.min(image.width - 1, Math.max(0, x0 + xx));
      const src = (sy * image.width + sx) * 3;
      const dst = y * w + xx;
      x[dst] = image.data[src]! / 255;
      x[plane + dst] = image.data[src + 1]! / 255;
      x[2 * plane + dst] = image.data[src + 2]! / 255;
    }
  }
  return x;
}

/**
 * Runs an ESRGAN-style model (RGB in [0, 1], NCHW, output = input × its own scale) over the image
 * in overlapping tiles, so memory stays bounded and fixed-size exports work, then resizes to the
 * requested factor when the model's own scale differs.
 */
export async function esrganUpscale(session: ModelSession, image: RgbImage, factor: UpscaleFactor, options: TileOptions = {}): Promise<RgbImage> {
  const inputName = session.inputs.keys().next().value as string;
  const outputName = session.outputs.keys().next().value as string;
  const fixedH = session.fixedDim(inputName, 2);
  const fixedW = session.fixedDim(inputName, 3);
  const tileW = fixedW ?? Math.min(options.tile ?? 256, image.width);
  const tileH = fixedH ?? Math.min(options.tile ?? 256, image.height);
  // At most a quarter of the tile on each side, so every tile keeps at least half of itself.
  const overlap = Math.min(options.overlap ?? 16, Math.floor(Math.min(tileW, tileH) / 4));
  // Kept centre of each tile; a tile covering the whole image needs no overlap.
  const coreW = tileW >= image.width && !fixedW ? image.width : Math.max(1, tileW - 2 * overlap);
  const coreH = tileH >= image.height && !fixedH ? image.height : Math.max(1, tileH - 2 * overlap);
  const padX = coreW === image.width ? 0 : overlap;
  const padY = coreH === image.height ? 0 : overlap;

  let scale = 0;
  let out: Uint8Array | undefined;
  let outW = 0;
  for (let cy = 0; cy < image.height; cy += coreH) {
    for (let cx = 0; cx < image.width; cx += coreW) {
      const x0 = cx - padX;
      const y0 = cy - padY;
      const input = windowTensor(image, x0, y0, tileW, tileH);
      const result = await session.run({ [inputName]: session.floatTensor(inputName, input, [1, 3, tileH, tileW]) }, [outputName], undefined, 'upscaler');
      const t = readFloat(result[outputName]!);
      const [, , th, tw] = t.dims as [number, number, number, number];
      if (!scale) {
        scale = tw / tileW;
        if (!Number.isInteger(scale) || scale < 1 || th !== tileH * scale) throw new Error(`the upscaler turned a ${tileW}×${tileH} tile into ${tw}×${th}; expected a whole-number scale`);
        outW = image.width * scale;
        out = new Uint8Array(outW * image.height * scale * 3);
      }
      const plane = tw * th;
      const keepW = Math.min(coreW, image.width - cx) * scale;
      const keepH = Math.min(coreH, image.height - cy) * scale;
      const offX = (cx - x0) * scale;
      const offY = (cy - y0) * scale;
      for (let y = 0; y < keepH; y++) {
        for (let x = 0; x < keepW; x++) {
          const src = (offY + y) * tw + offX + x;
          const dst = ((cy * scale + y) * outW + cx * scale + x) * 3;
          for (let c = 0; c < 3; c++) {
            const v = t.data[c * plane + src]! * 255;
            out![dst + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
          }
        }
      }
    }
  }
  const upscaled: RgbImage = { width: outW, height: image.height * scale, data: out! };
  const tw = image.width * factor;
  const th = image.height * factor;
  return upscaled.width === tw && upscaled.height === th ? upscaled : lanczosResize(upscaled, tw, th);
}

/** `upscale(image, 2|4)`: the configured ONNX upscaler when there is one, else Lanczos. */
export async function upscale(image: RgbImage, factor: UpscaleFactor, upscaler?: ModelSession, options?: TileOptions): Promise<RgbImage> {
  if (factor !== 2 && factor !== 4) throw new Error(`upscale factor must be 2 or 4, not ${String(factor)}`);
  if (upscaler) return esrganUpscale(upscaler, image, factor, options);
  return lanczosResize(image, image.width * factor, image.height * factor);
}
