/**
 * Pictures with a known sharp original, for judging upscalers: noto emoji drawn at any size, the
 * UpscalerJS sample photo, a bicubic shrink (the degradation the models were trained on) and PSNR.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { packageDir } from '../tfjs-to-onnx/packages.js';
import type { RgbImage } from '../../src/pipeline/types.js';

const require = createRequire(import.meta.url);

/** Decodes to RGB, flattening transparency onto white. */
export async function toRgb(input: Buffer | Sharp): Promise<RgbImage> {
  const s = Buffer.isBuffer(input) ? sharp(input) : input;
  const { data, info } = await s.flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

/** A noto emoji (Apache-2.0, from @iconify-json/noto) drawn at size × size on white. */
export async function notoEmoji(name: string, size = 128): Promise<RgbImage> {
  const noto = require('@iconify-json/noto/icons.json') as { width: number; height: number; icons: Record<string, { body: string }> };
  const icon = noto.icons[name];
  if (!icon) throw new Error(`no noto emoji ${name}`);
  return toRgb(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${noto.width} ${noto.height}">${icon.body}</svg>`));
}

/** UpscalerJS's 128×128 sample photo (a red flower among leaves). */
export async function samplePhoto(): Promise<RgbImage> {
  return toRgb(readFileSync(join(packageDir('@upscalerjs/esrgan-medium', '2x'), 'assets', 'fixture.png')));
}

/** The picture `factor` times smaller, bicubic. */
export async function shrink(image: RgbImage, factor: number): Promise<RgbImage> {
  return toRgb(sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize(Math.round(image.width / factor), Math.round(image.height / factor), { kernel: 'cubic' }));
}

/** Peak signal-to-noise ratio in dB; higher is closer. */
export function psnr(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`psnr of ${a.width}×${a.height} and ${b.width}×${b.height}`);
  let se = 0;
  for (let i = 0; i < a.data.length; i++) se += (a.data[i]! - b.data[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.data.length));
}
