/**
 * What live previews cost. At SD size (512×512, a grid of four, guidance on) on a generated SD 1.x
 * export whose UNet does about two seconds of work a step (SD 1.5's own, batch 8 at 512×512,
 * takes several times that on a CPU like this one), with the linear latent→RGB decoder a real SD
 * export gets (its VAE is too large to preview with): the time of one preview (decode and grid,
 * WebP, the safety classifier's look) against a step. Then the shipped model, which previews with
 * its own small VAE, at the chat platforms' cadence (one every 2 s) and after every step.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DEFAULT_MODEL_DIR, DEFAULT_SAFETY_MODEL } from '../src/config.js';
import { DiffusionPipeline } from '../src/pipeline/diffusion.js';
import { LATENT_RGB, latentToRgb, previewGrid } from '../src/pipeline/previews.js';
import { SafetyClassifier } from '../src/pipeline/safety.js';
import type { GenerationRequest, RgbImage } from '../src/pipeline/types.js';
import { writeTinyModel } from '../test/fixtures/tiny-models.js';

async function webp(image: RgbImage): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).resize({ width: 256, kernel: 'cubic' }).webp({ quality: 70, effort: 1 }).toBuffer();
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

export default async function bench(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'bench-previews-'));
  const classifier = await SafetyClassifier.open(DEFAULT_SAFETY_MODEL, { threads: 2 });
  try {
    const dir = writeTinyModel(join(root, 'sd-size'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 2048, matmuls: 48 }, hints: { preview: 'linear' } });
    const sd = await DiffusionPipeline.load(dir, { threads: 2 });
    const request: GenerationRequest = { prompt: 'a red heart', seed: 1, steps: 6, batch: 4, width: 512, height: 512, guidance: 7, scheduler: 'euler' };
    await sd.generate({ ...request, steps: 1 });
    const previews: RgbImage[] = [];
    await sd.generate({ ...request, preview: { everyMs: 0 }, onStep: (_s, _t, img) => img && previews.push(img) });
    const [, without] = await timed(() => sd.generate(request));
    const stepMs = without / request.steps!;
    // The decoder's own work on latents of this size: four images of 4×64×64.
    const latents = Array.from({ length: 4 }, (_, i) => Float32Array.from({ length: 4 * 64 * 64 }, (_v, k) => Math.sin(k * 0.37 + i)));
    const samples = 50;
    let decodeMs = 0;
    let encodeMs = 0;
    let checkMs = 0;
    for (let r = 0; r < samples; r++) {
      const p = previews[r % previews.length]!;
      decodeMs += (await timed(async () => previewGrid(latents.map((l) => latentToRgb(l, 64, 64, LATENT_RGB.sd)), 128)))[1];
      encodeMs += (await timed(() => webp(p)))[1];
      checkMs += (await timed(() => classifier.classify(p)))[1];
    }
    const perPreview = (decodeMs + encodeMs + checkMs) / samples;
    console.log(
      `SD size (512×512 ×4, guidance on), linear decoder: one preview ${perPreview.toFixed(1)} ms (decode and grid ${(decodeMs / samples).toFixed(1)}, WebP ${(encodeMs / samples).toFixed(1)}, safety look ${(checkMs / samples).toFixed(1)}); a step of the generated UNet ${stepMs.toFixed(0)} ms`,
    );
    console.log(
      `  a preview after every step: ${((100 * perPreview) / stepMs).toFixed(2)}% of generation time (limit 3%); at the chat cadence (one every 2 s): ${((100 * perPreview) / Math.max(stepMs, 2000)).toFixed(2)}%`,
    );
    await sd.release();

    const shipped = await DiffusionPipeline.load(DEFAULT_MODEL_DIR, { threads: 2 });
    const emoji: GenerationRequest = { prompt: 'red heart', seed: 1, batch: 4 };
    await shipped.generate(emoji);
    const runs = 20;
    let plain = 0;
    let chat = 0;
    let every = 0;
    for (let i = 0; i < runs; i++) {
      plain += (await timed(() => shipped.generate(emoji)))[1];
      chat += (await timed(() => shipped.generate({ ...emoji, preview: { everyMs: 2000 } })))[1];
      every += (await timed(() => shipped.generate({ ...emoji, preview: { everyMs: 0 } })))[1];
    }
    console.log(
      `shipped model (64×64 ×4, its own VAE): a grid ${(plain / runs).toFixed(1)} ms; with previews at the chat cadence ${(chat / runs).toFixed(1)} ms (a job this short gets none), after every step ${(every / runs).toFixed(1)} ms`,
    );
    await shipped.release();
  } finally {
    await classifier.release();
    rmSync(root, { recursive: true, force: true });
  }
}
