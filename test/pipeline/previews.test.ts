/**
 * Live previews: what the pipeline hands onStep between steps, with each decoder.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_DIR } from '../../src/config.js';
import { DiffusionPipeline } from '../../src/pipeline/diffusion.js';
import { readModelFolder } from '../../src/pipeline/model-folder.js';
import { loadPipeline } from '../../src/pipeline/pipeline.js';
import { LATENT_RGB, latentToRgb, previewGrid } from '../../src/pipeline/previews.js';
import type { RgbImage } from '../../src/pipeline/types.js';
import { writeTinyModel } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'previews-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
}

describe('preview decoders', () => {
  it('maps latents to RGB with the family factors (ComfyUI’s), SDXL with its bias', () => {
    // One pixel: latent channels (1, 0, -1, 0.5).
    const latent = Float32Array.from([1, 0, -1, 0.5]);
    const sd = latentToRgb(latent, 1, 1, LATENT_RGB.sd);
    const expected = (c: number, map: typeof LATENT_RGB.sd | typeof LATENT_RGB.sdxl) =>
      Math.round((map.bias[c]! + map.factors[0]![c]! - map.factors[2]![c]! + 0.5 * map.factors[3]![c]! + 1) * 127.5);
    expect([...sd.data]).toEqual([0, 1, 2].map((c) => expected(c, LATENT_RGB.sd)));
    const xl = latentToRgb(latent, 1, 1, LATENT_RGB.sdxl);
    expect([...xl.data]).toEqual([0, 1, 2].map((c) => expected(c, LATENT_RGB.sdxl)));
  });

  it('lays a batch out as the final grid will be, tiles shrunk to the size asked for', () => {
    const img = (v: number): RgbImage => ({ width: 64, height: 64, data: new Uint8Array(64 * 64 * 3).fill(v) });
    const grid = previewGrid([img(10), img(20), img(30), img(40)], 32);
    expect([grid.width, grid.height]).toEqual([64, 64]);
    const at = (x: number, y: number) => grid.data[(y * 64 + x) * 3];
    expect([at(0, 0), at(40, 0), at(0, 40), at(40, 40)]).toEqual([10, 20, 30, 40]);
    expect(previewGrid([img(5)], 128).width).toBe(64);
  });

  it('picks the Tiny AutoEncoder in vae_approx/, else a small VAE, else the linear map; imagine.json may choose', () => {
    expect(readModelFolder(DEFAULT_MODEL_DIR).previewDecoder).toBe('vae');
    const withApprox = writeTinyModel(join(root, 'approx'), { generation: 'optimum-2025', family: 'sd1' });
    mkdirSync(join(withApprox, 'vae_approx'));
    copyFileSync(join(withApprox, 'vae_decoder', 'model.onnx'), join(withApprox, 'vae_approx', 'model.onnx'));
    expect(readModelFolder(withApprox).previewDecoder).toBe('vae_approx');
    const linear = writeTinyModel(join(root, 'linear'), { generation: 'optimum-2025', family: 'sd1', hints: { preview: 'linear' } });
    expect(readModelFolder(linear).previewDecoder).toBe('linear');
  });
});

describe('previews while generating', () => {
  it('the shipped model shows the grid it is heading for after each step but the last, closer to the result as it goes', async () => {
    const p = await DiffusionPipeline.load(DEFAULT_MODEL_DIR);
    try {
      const previews: [number, RgbImage | undefined][] = [];
      const result = await p.generate({ prompt: 'red heart', seed: 3, steps: 8, batch: 4, preview: { everyMs: 0 }, onStep: (s, _t, img) => previews.push([s, img]) });
      expect(previews.map(([s, img]) => [s, img !== undefined])).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((s) => [s, s < 8]));
      const first = previews[0]![1]!;
      const last = previews[6]![1]!;
      expect([first.width, first.height]).toEqual([128, 128]);
      const final = previewGrid(result.images, 64);
      expect(meanAbsDiff(last, final)).toBeLessThan(meanAbsDiff(first, final));
      expect(meanAbsDiff(last, final)).toBeLessThan(12);
    } finally {
      await p.release();
    }
  });

  it('none for a job done before the first is due, at most one per interval, and none when not asked for', async () => {
    const fast = await DiffusionPipeline.load(DEFAULT_MODEL_DIR);
    const slow = await DiffusionPipeline.load(writeTinyModel(join(root, 'slow'), { generation: 'optimum-2025', family: 'sd1', unetWork: { size: 1024, matmuls: 12 } }));
    try {
      const seen: number[] = [];
      await fast.generate({ prompt: 'frog', seed: 1, steps: 6, preview: { everyMs: 60_000 }, onStep: (s, _t, img) => img && seen.push(s) });
      expect(seen).toEqual([]);
      await fast.generate({ prompt: 'frog', seed: 1, steps: 6, onStep: (s, _t, img) => img && seen.push(s) });
      expect(seen).toEqual([]);
      const at: number[] = [];
      const t0 = performance.now();
      await slow.generate({ prompt: 'frog', seed: 1, steps: 30, width: 64, height: 64, scheduler: 'euler', preview: { everyMs: 150 }, onStep: (_s, _t, img) => img && at.push(performance.now()) });
      const took = performance.now() - t0;
      expect(at.length).toBeGreaterThan(0);
      expect(at.length).toBeLessThanOrEqual(Math.ceil(took / 150));
      for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThan(140);
    } finally {
      await fast.release();
      await slow.release();
    }
  });

  it('the linear map previews at latent size; a Tiny AutoEncoder in vae_approx/ decodes them when present', async () => {
    const linear = await DiffusionPipeline.load(writeTinyModel(join(root, 'linear-run'), { generation: 'optimum-2025', family: 'sd1', hints: { preview: 'linear' } }));
    const approxDir = writeTinyModel(join(root, 'approx-run'), { generation: 'optimum-2025', family: 'sd1' });
    mkdirSync(join(approxDir, 'vae_approx'));
    copyFileSync(join(approxDir, 'vae_decoder', 'model.onnx'), join(approxDir, 'vae_approx', 'model.onnx'));
    writeFileSync(join(approxDir, 'imagine.json'), JSON.stringify({ name: 'approx-run' }));
    const approx = await DiffusionPipeline.load(approxDir);
    try {
      const request = { prompt: 'a cat', seed: 5, steps: 3, width: 64, height: 64, batch: 2, scheduler: 'euler' as const, preview: { everyMs: 0 } };
      const lin: RgbImage[] = [];
      await linear.generate({ ...request, onStep: (_s, _t, img) => img && lin.push(img) });
      // 64 px images are 8×8 latents; two side by side.
      expect(lin.map((i) => [i.width, i.height])).toEqual([
        [16, 8],
        [16, 8],
      ]);
      let approxRuns = 0;
      const run = approx.model.vaeApprox!.run.bind(approx.model.vaeApprox!);
      approx.model.vaeApprox!.run = (...args) => (approxRuns++, run(...args));
      const ap: RgbImage[] = [];
      await approx.generate({ ...request, onStep: (_s, _t, img) => img && ap.push(img) });
      expect(ap).toHaveLength(2);
      expect(approxRuns).toBe(4);
    } finally {
      await linear.release();
      await approx.release();
    }
  });

  it('previews cross from the inference thread', async () => {
    const p = await loadPipeline(DEFAULT_MODEL_DIR, {});
    try {
      const seen: number[] = [];
      await p.generate({ prompt: 'rocket', seed: 2, steps: 4, batch: 4, preview: { everyMs: 0 }, onStep: (s, _t, img) => img && img.width === 128 && seen.push(s) });
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      await p.release();
    }
  });
});
