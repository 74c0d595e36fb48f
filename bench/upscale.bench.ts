/**
 * The trained upscalers: which UpscalerJS size is worth its time (quality as PSNR against the
 * original after a bicubic shrink, next to Lanczos; speed as output megapixels per second), and
 * the shipped models' speed against UpscalerJS's own inference (@tensorflow/tfjs, CPU backend)
 * on the same input in the same run. Goal: ours faster than the reference for every shipped model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { convertPackagedModel, SHIPPED_SCALES, SHIPPED_SIZE, upscalerFileName } from '../scripts/upscalers/build.js';
import { notoEmoji, psnr, samplePhoto, shrink, toRgb } from '../scripts/upscalers/pictures.js';
import { referenceUpscaler } from '../test/fixtures/upscalerjs-reference.js';
import { DEFAULT_UPSCALERS_DIR, upscalerFilesIn } from '../src/config.js';
import type { RgbImage } from '../src/pipeline/types.js';
import { lanczosResize, Upscaler, UpscalerModel } from '../src/pipeline/upscale.js';

const SIZES = ['slim', 'medium'] as const;
const EMOJI = ['red-heart', 'cat-face', 'rocket', 'frog', 'sunflower', 'house'];

/** Pictures with a known sharp original: the UpscalerJS sample photo and noto emoji drawn at 128×128. */
async function originals(): Promise<{ name: string; image: RgbImage }[]> {
  const emoji = await Promise.all(EMOJI.map(async (name) => ({ name: `emoji ${name}`, image: await notoEmoji(name) })));
  return [{ name: 'photo (flower)', image: await samplePhoto() }, ...emoji];
}

/** Output megapixels per second of `fn` over at least `minMs` and one call (after a warm-up call). */
async function rate(fn: () => Promise<RgbImage>, minMs: number): Promise<number> {
  await fn();
  let pixels = 0;
  const t0 = performance.now();
  do {
    const r = await fn();
    pixels += r.width * r.height;
  } while (performance.now() - t0 < minMs);
  return pixels / 1e6 / ((performance.now() - t0) / 1000);
}

export default async function bench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'upscale-bench-'));
  try {
    const models = new Map<string, UpscalerModel>();
    for (const size of SIZES) {
      for (const scale of SHIPPED_SCALES) {
        const file = join(dir, upscalerFileName(size, scale));
        writeFileSync(file, convertPackagedModel(size, scale).bytes);
        models.set(`${size} ×${scale}`, await UpscalerModel.open(file, { threads: 2 }));
      }
    }

    console.log('quality: PSNR (dB) against the original after a bicubic shrink, higher is sharper and truer');
    const pictures = await originals();
    for (const scale of SHIPPED_SCALES) {
      const sums: Record<string, number> = { Lanczos: 0, slim: 0, medium: 0 };
      for (const { image } of pictures) {
        const small = await shrink(image, scale);
        sums.Lanczos! += psnr(await lanczosResize(small, image.width, image.height), image);
        for (const size of SIZES) sums[size]! += psnr(await models.get(`${size} ×${scale}`)!.run(small), image);
      }
      const row = Object.entries(sums).map(([k, v]) => `${k} ${(v / pictures.length).toFixed(2)}`).join(' · ');
      console.log(`  ×${scale}, mean of ${pictures.length} pictures (${128 / scale}→128 px): ${row}`);
    }

    const input = pictures[0]!.image;
    const speedInput = await toRgb(sharp(input.data, { raw: { width: 128, height: 128, channels: 3 } }).resize(256, 256, { kernel: 'lanczos3' }));
    console.log('speed: output megapixels per second on a 256×256 input (onnxruntime, 2 threads, default tiles)');
    for (const [name, model] of models) {
      console.log(`  ${name}: ${(await rate(() => model.run(speedInput), 1500)).toFixed(2)} MP/s`);
    }

    console.log('the shipped pair as the buttons run it (Upscaler: the model of the scale, 8-pixel repeated border)');
    const shippedSet = await Upscaler.open(upscalerFilesIn(DEFAULT_UPSCALERS_DIR), { threads: 2 });
    for (const side of [64, 512]) {
      const picture = await toRgb(sharp(input.data, { raw: { width: 128, height: 128, channels: 3 } }).resize(side, side, { kernel: 'lanczos3' }));
      const times: string[] = [];
      for (const scale of SHIPPED_SCALES) {
        const t0 = performance.now();
        const runs = side <= 128 ? 10 : 1;
        for (let i = 0; i < runs; i++) await shippedSet.upscale(picture, scale);
        times.push(`×${scale} ${((performance.now() - t0) / runs).toFixed(0)} ms`);
      }
      console.log(`  ${side}×${side}: ${times.join(', ')}`);
    }
    await shippedSet.release();

    console.log(`shipped models (${DEFAULT_UPSCALERS_DIR}) against UpscalerJS on @tensorflow/tfjs (CPU backend), same 128×128 input`);
    for (const scale of SHIPPED_SCALES) {
      const ours = await UpscalerModel.open(join(DEFAULT_UPSCALERS_DIR, upscalerFileName(SHIPPED_SIZE, scale)), { threads: 2 });
      const reference = await referenceUpscaler(SHIPPED_SIZE, scale);
      try {
        const oursRate = await rate(() => ours.run(input), 1500);
        const refRate = await rate(() => reference.upscale(input), 0);
        console.log(`  ${SHIPPED_SIZE} ×${scale}: ours ${oursRate.toFixed(2)} MP/s, UpscalerJS ${refRate.toFixed(3)} MP/s: ${(oursRate / refRate).toFixed(1)}× faster`);
      } finally {
        await reference.close();
        await ours.release();
      }
    }
    await Promise.all([...models.values()].map((m) => m.release()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
