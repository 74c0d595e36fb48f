/**
 * Live previews: the images a job is heading for, decoded from the denoiser's estimate of the
 * clean latents at a step, cheaply enough to run between steps. Three decoders, best first:
 * a Tiny AutoEncoder in the model folder (vae_approx/, TAESD or TAESDXL exported like
 * vae_decoder), the model's own VAE decoder when it is small, or the linear latent→RGB map
 * A1111 and ComfyUI use (a 4×3 matrix per family), at latent resolution.
 */
import type { ModelDescription, PreviewDecoderKind } from './model-folder.js';
import { readFloat, type ModelSession, type RunTimer } from './onnx-session.js';
import type { RgbImage } from './types.js';

/**
 * The linear map from a (scaled) latent's 4 channels to RGB in [-1, 1], per family, as ComfyUI's
 * latent formats fit them: rows are latent channels, columns R, G, B.
 */
export const LATENT_RGB = {
  sd: {
    factors: [
      [0.3512, 0.2297, 0.3227],
      [0.325, 0.4974, 0.235],
      [-0.2829, 0.1762, 0.2721],
      [-0.212, -0.2616, -0.7177],
    ],
    bias: [0, 0, 0],
  },
  sdxl: {
    factors: [
      [0.3651, 0.4232, 0.4341],
      [-0.2533, -0.0042, 0.1068],
      [0.1076, 0.1111, -0.0362],
      [-0.3165, -0.2492, -0.2188],
    ],
    bias: [0.1084, -0.0175, -0.0011],
  },
} as const;

/** One image's latents ([channels, h, w], as the UNet sees them) through the linear map, at latent size. */
export function latentToRgb(latent: Float32Array, lh: number, lw: number, map: { factors: readonly (readonly number[])[]; bias: readonly number[] }): RgbImage {
  const plane = lh * lw;
  const channels = Math.min(map.factors.length, latent.length / plane);
  const data = new Uint8ClampedArray(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      let v = map.bias[c]!;
      for (let k = 0; k < channels; k++) v += latent[k * plane + p]! * map.factors[k]![c]!;
      data[p * 3 + c] = (v + 1) * 127.5;
    }
  }
  return { width: lw, height: lh, data: new Uint8Array(data.buffer) };
}

/** Decodes the batch's latents for a preview, one picture per image. */
export async function decodePreview(
  kind: PreviewDecoderKind,
  latents: readonly Float32Array[],
  shape: { channels: number; lh: number; lw: number },
  o: { info: ModelDescription; vae: ModelSession; vaeOut: string; approx?: ModelSession; timer: RunTimer },
): Promise<RgbImage[]> {
  const out: RgbImage[] = [];
  for (const latent of latents) {
    if (kind === 'linear') {
      out.push(latentToRgb(latent, shape.lh, shape.lw, o.info.family === 'sdxl' || o.info.family === 'lcm-sdxl' ? LATENT_RGB.sdxl : LATENT_RGB.sd));
      continue;
    }
    // A Tiny AutoEncoder takes the UNet's latents as they are; the VAE takes them unscaled.
    const session = kind === 'vae_approx' ? o.approx! : o.vae;
    const k = kind === 'vae_approx' ? 1 : Math.fround(o.info.vaeScalingFactor);
    const input = k === 1 ? latent : Float32Array.from(latent, (x) => x / k);
    const name = session.inputs.has('latent_sample') ? 'latent_sample' : [...session.inputs.keys()][0]!;
    const outName = kind === 'vae' ? o.vaeOut : [...session.outputs.keys()][0]!;
    const result = await session.run({ [name]: session.floatTensor(name, input, [1, shape.channels, shape.lh, shape.lw]) }, [outName], o.timer, 'preview');
    const px = readFloat(result[outName]!);
    const [, , h, w] = px.dims as [number, number, number, number];
    out.push(chwToRgb(px.data, w, h));
  }
  return out;
}

function chwToRgb(chw: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const data = new Uint8ClampedArray(plane * 3);
  for (let c = 0; c < 3; c++) for (let p = 0; p < plane; p++) data[p * 3 + c] = (chw[c * plane + p]! + 1) * 127.5;
  return { width, height, data: new Uint8Array(data.buffer) };
}

/**
 * The batch side by side as the final grid will be (2×2 for four), each picture shrunk to at most
 * `tile` pixels a side by averaging, so a preview stays small to send.
 */
export function previewGrid(images: readonly RgbImage[], tile: number): RgbImage {
  const shrunk = images.map((img) => shrink(img, tile));
  const cols = shrunk.length > 1 ? 2 : 1;
  const rows = Math.ceil(shrunk.length / cols);
  const w = shrunk[0]!.width;
  const h = shrunk[0]!.height;
  const out = new Uint8Array(cols * w * rows * h * 3).fill(255);
  shrunk.forEach((img, i) => {
    const x0 = (i % cols) * w;
    const y0 = Math.floor(i / cols) * h;
    for (let y = 0; y < Math.min(h, img.height); y++) {
      const from = y * img.width * 3;
      out.set(img.data.subarray(from, from + Math.min(w, img.width) * 3), ((y0 + y) * cols * w + x0) * 3);
    }
  });
  return { width: cols * w, height: rows * h, data: out };
}

/** Box-filter shrink by a whole factor, so the long side is at most `max`. */
function shrink(img: RgbImage, max: number): RgbImage {
  const f = Math.ceil(Math.max(img.width, img.height) / max);
  if (f <= 1) return img;
  const w = Math.floor(img.width / f);
  const h = Math.floor(img.height / f);
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += img.data[((y * f + dy) * img.width + x * f + dx) * 3 + c]!;
        data[(y * w + x) * 3 + c] = Math.round(sum / (f * f));
      }
    }
  }
  return { width: w, height: h, data };
}
