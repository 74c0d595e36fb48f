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

/**
 * Runs an ESRGAN-style model (image in [0,1], NCHW, out = in × its own scale) and resizes
 * to the requested factor when the model's scale differs.
 */
export async function esrganUpscale(session: ModelSession, image: RgbImage, factor: UpscaleFactor): Promise<RgbImage> {
  const inputName = session.inputs.keys().next().value as string;
  const outputName = session.outputs.keys().next().value as string;
  const plane = image.width * image.height;
  const x = new Float32Array(plane * 3);
  for (let p = 0; p < plane; p++) for (let c = 0; c < 3; c++) x[c * plane + p] = image.data[p * 3 + c]! / 255;
  const result = await session.run({ [inputName]: session.floatTensor(inputName, x, [1, 3, image.height, image.width]) }, [outputName], undefined, 'upscaler');
  const out = readFloat(result[outputName]!);
  const [, , h, w] = out.dims as [number, number, number, number];
  const op = w * h;
  const data = new Uint8Array(op * 3);
  for (let p = 0; p < op; p++) {
    for (let c = 0; c < 3; c++) {
      const v = out.data[c * op + p]! * 255;
      data[p * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  const upscaled = { width: w, height: h, data };
  const tw = image.width * factor;
  const th = image.height * factor;
  return w === tw && h === th ? upscaled : lanczosResize(upscaled, tw, th);
}

/** `upscale(image, 2|4)`: the configured ONNX upscaler when there is one, else Lanczos. */
export async function upscale(image: RgbImage, factor: UpscaleFactor, upscaler?: ModelSession): Promise<RgbImage> {
  if (factor !== 2 && factor !== 4) throw new Error(`upscale factor must be 2 or 4, not ${factor}`);
  if (upscaler) return esrganUpscale(upscaler, image, factor);
  return lanczosResize(image, image.width * factor, image.height * factor);
}
