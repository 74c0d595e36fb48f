import type { RgbImage } from './types.js';

/** Bilinear resize with pixel-centre alignment; the pipeline's own so the worker needs no image library. */
export function resizeRgb(src: RgbImage, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  const sx = src.width / width;
  const sy = src.height / height;
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const wx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const a = src.data[(y0 * src.width + x0) * 3 + c]!;
        const b = src.data[(y0 * src.width + x1) * 3 + c]!;
        const d = src.data[(y1 * src.width + x0) * 3 + c]!;
        const e = src.data[(y1 * src.width + x1) * 3 + c]!;
        const top = a + (b - a) * wx;
        const bottom = d + (e - d) * wx;
        data[(y * width + x) * 3 + c] = Math.round(top + (bottom - top) * wy);
      }
    }
  }
  return { width, height, data };
}

/**
 * Interleaved RGB bytes as planar (NCHW) floats, each channel (v / 255 − mean) / std: what
 * classifiers are fed (mean 0 and std 1 give plain [0, 1]).
 */
export function planarFloats(rgb: ArrayLike<number>, pixels: number, mean: readonly number[] = [0, 0, 0], std: readonly number[] = [1, 1, 1]): Float32Array {
  const out = new Float32Array(pixels * 3);
  for (let c = 0; c < 3; c++) {
    const [m, s] = [mean[c]!, std[c]!];
    for (let i = 0; i < pixels; i++) out[c * pixels + i] = (rgb[i * 3 + c]! / 255 - m) / s;
  }
  return out;
}
