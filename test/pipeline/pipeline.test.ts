/**
 * End to end through the real onnxruntime-node on tiny generated model folders that have the
 * exact I/O names, element types and ranks of each export generation and family.
 */
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelFolder } from '../../src/pipeline/model-folder.js';
import { familyLabel } from '../../src/pipeline/model-check.js';
import { DiffusionPipeline } from '../../src/pipeline/diffusion.js';
import { UserError } from '../../src/core/errors.js';
import { ModelLoadError } from '../../src/pipeline/errors.js';
import { supportedBackends, type ModelSession } from '../../src/pipeline/onnx-session.js';
import type { GenerationRequest, GenerationResult, RgbImage } from '../../src/pipeline/types.js';
import { GenerationCancelledError } from '../../src/pipeline/types.js';
import { writeTinyModel, type ExportGeneration, type TinyFamily, type TinyModelOptions } from '../fixtures/tiny-models.js';

const root = mkdtempSync(join(tmpdir(), 'pipeline-e2e-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const written = new Map<string, string>();
function modelDir(name: string, options: TinyModelOptions): string {
  let dir = written.get(name);
  if (!dir) {
    dir = writeTinyModel(join(root, name), options);
    written.set(name, dir);
  }
  return dir;
}

const loaded = new Map<string, Promise<DiffusionPipeline>>();
function pipelineFor(name: string, options: TinyModelOptions): Promise<DiffusionPipeline> {
  let p = loaded.get(name);
  if (!p) {
    p = DiffusionPipeline.load(modelDir(name, options));
    loaded.set(name, p);
  }
  return p;
}
afterAll(async () => {
  for (const p of loaded.values()) await (await p).release();
});

const base: GenerationRequest = { prompt: 'a red heart on a white background', seed: 7, steps: 4, width: 64, height: 64 };

function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  expect(a.data.length).toBe(b.data.length);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / a.data.length;
}

/** Counts session.run calls per stage, to see what a request did (or did not do). */
function countRuns(p: DiffusionPipeline): Record<string, number> {
  const counts: Record<string, number> = {};
  const m = p.model;
  const wrap = (s: ModelSession | undefined, stage: string) => {
    if (!s) return;
    const run = s.run.bind(s);
    s.run = (...args: Parameters<ModelSession['run']>) => {
      counts[stage] = (counts[stage] ?? 0) + 1;
      return run(...args);
    };
  };
  wrap(m.textEncoder, 'text_encoder');
  wrap(m.textEncoder2, 'text_encoder_2');
  wrap(m.unet, 'unet');
  wrap(m.vaeDecoder, 'vae_decoder');
  wrap(m.vaeEncoder, 'vae_encoder');
  return counts;
}

const GENERATIONS: ExportGeneration[] = ['diffusers-legacy', 'optimum-2023', 'optimum-2025', 'olive-fp16'];
const FAMILIES: TinyFamily[] = ['sd1', 'sd2', 'sdxl', 'lcm'];

describe('every export generation × family loads without editing and makes images', () => {
  for (const generation of GENERATIONS) {
    for (const family of FAMILIES) {
      it(`${generation} ${family}`, async () => {
        const p = await pipelineFor(`${generation}-${family}`, { generation, family });
        expect(p.info.family).toBe(family);
        // The catalog (JSON only, no sessions) offers the defaults the loaded model will use.
        expect(readModelFolder(p.info.dir).defaults).toEqual(p.info.defaults);
        const a = await p.generate(base);
        expect(a.images).toHaveLength(1);
        expect(a.images[0]!.width).toBe(64);
        expect(a.images[0]!.height).toBe(64);
        expect(a.images[0]!.seed).toBe(7);
        const again = await p.generate(base);
        expect(again.images[0]!.data).toEqual(a.images[0]!.data);
        const other = await p.generate({ ...base, seed: 8 });
        expect(meanAbsDiff(other.images[0]!, a.images[0]!)).toBeGreaterThan(1);
      });
    }
  }
});

describe('feeds follow what each session declares', () => {
  // The old diffusers script declares the timestep int64 [1], Olive float16 [1]: one value the UNet
  // broadcasts over the batch, as diffusers' own ONNX pipeline feeds it.
  for (const generation of GENERATIONS.filter((g) => g !== 'optimum-2025')) {
    for (const family of FAMILIES) {
      it(`${generation} ${family} with a timestep of fixed length 1, under guidance and in a batch`, async () => {
        const fixed = await pipelineFor(`${generation}-${family}-ts1`, { generation, family, timestepLength1: true });
        expect(fixed.model.unet.input('timestep')?.shape).toEqual([1]);
        const dynamic = await pipelineFor(`${generation}-${family}`, { generation, family });
        const request = { ...base, batch: 2, guidance: family === 'lcm' ? 8 : 7 };
        const a = await fixed.generate(request);
        const b = await dynamic.generate(request);
        expect(a.images).toHaveLength(2);
        // The same graph fed one timestep or one per entry makes the same pictures.
        for (let i = 0; i < 2; i++) expect(a.images[i]!.data).toEqual(b.images[i]!.data);
      });
    }
  }
});

describe('what each family feeds the UNet', () => {
  it('SD 1.x runs classifier-free guidance as one batch-2 UNet call per step; the guidance scale changes the picture', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const r = await p.generate({ ...base, scheduler: 'euler' });
    expect(r.timings.stages.unet!.runs).toBe(4);
    const low = await p.generate({ ...base, scheduler: 'euler', guidance: 2 });
    const high = await p.generate({ ...base, scheduler: 'euler', guidance: 12 });
    expect(meanAbsDiff(low.images[0]!, high.images[0]!)).toBeGreaterThan(1);
  });

  it('the negative prompt changes the picture under guidance and is not encoded without it', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const plain = await p.generate({ ...base, guidance: 7 });
    const negative = await p.generate({ ...base, guidance: 7, negativePrompt: 'blurry, dark, low quality' });
    expect(meanAbsDiff(plain.images[0]!, negative.images[0]!)).toBeGreaterThan(1);
    const noCfg = await p.generate({ ...base, guidance: 1, negativePrompt: 'anything' });
    expect(noCfg.timings.stages.text_encoder!.runs).toBe(1);
    expect(noCfg.images[0]!.data).toEqual((await p.generate({ ...base, guidance: 1 })).images[0]!.data);
  });

  it('a UNet exported with batch fixed to 1 gets two calls per step and the same picture as the batched one', async () => {
    const fixed = await pipelineFor('optimum-2023-sd1-fixed1', { generation: 'optimum-2023', family: 'sd1', fixedBatch: 1 });
    const dynamic = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    expect(fixed.info.unetBatch).toBe(1);
    const a = await fixed.generate({ ...base, scheduler: 'ddim', batch: 2 });
    const b = await dynamic.generate({ ...base, scheduler: 'ddim', batch: 2 });
    expect(a.timings.stages.unet!.runs).toBe(4 * 2 * 2);
    expect(b.timings.stages.unet!.runs).toBe(4);
    for (let i = 0; i < 2; i++) expect(meanAbsDiff(a.images[i]!, b.images[i]!)).toBeLessThan(0.01);
  });

  it('a batch of N has seeds seed..seed+N-1, each the same picture as a single run with that seed', async () => {
    const p = await pipelineFor('optimum-2025-sd2', { generation: 'optimum-2025', family: 'sd2' });
    const batch = await p.generate({ ...base, seed: 100, batch: 3 });
    expect(batch.images.map((i) => i.seed)).toEqual([100, 101, 102]);
    for (const img of batch.images) {
      const single = await p.generate({ ...base, seed: img.seed });
      expect(meanAbsDiff(single.images[0]!, img)).toBeLessThan(0.01);
    }
    expect(meanAbsDiff(batch.images[0]!, batch.images[1]!)).toBeGreaterThan(1);
  });

  it('SDXL feeds pooled text_embeds and time_ids; an empty negative prompt means zero embeddings', async () => {
    const p = await pipelineFor('optimum-2023-sdxl', { generation: 'optimum-2023', family: 'sdxl' });
    expect(p.model.io.textHidden).toBe('hidden_states.11');
    expect(p.model.io.text2Hidden).toBe('hidden_states.31');
    const counts = countRuns(p);
    const r = await p.generate({ ...base, guidance: 5 });
    // Only the prompt is encoded (by both encoders); the unconditional side is zeros.
    expect(counts.text_encoder).toBe(1);
    expect(counts.text_encoder_2).toBe(1);
    const withNegative = await p.generate({ ...base, guidance: 5, negativePrompt: 'green' });
    expect(meanAbsDiff(r.images[0]!, withNegative.images[0]!)).toBeGreaterThan(1);
    // time_ids carry the size: 64×64 and 64×96 differ beyond their shape.
    const wide = await p.generate({ ...base, width: 96 });
    expect(wide.images[0]!.width).toBe(96);
  });

  it('LCM feeds the guidance embedding as timestep_cond, one UNet call per step and no CFG batch', async () => {
    const p = await pipelineFor('optimum-2025-lcm', { generation: 'optimum-2025', family: 'lcm' });
    expect(p.info.defaults.scheduler).toBe('lcm');
    const counts = countRuns(p);
    const a = await p.generate({ ...base, guidance: 8 });
    expect(counts.unet).toBe(4);
    expect(counts.text_encoder).toBe(1);
    const b = await p.generate({ ...base, guidance: 2 });
    expect(meanAbsDiff(a.images[0]!, b.images[0]!)).toBeGreaterThan(1);
  });

  it('SD 2.x v-prediction reads prediction_type from scheduler_config.json', async () => {
    const p = await pipelineFor('optimum-2025-sd2', { generation: 'optimum-2025', family: 'sd2' });
    expect(p.info.schedulerConfig.prediction_type).toBe('v_prediction');
    const eps = await pipelineFor('optimum-2025-sd2-eps', {
      generation: 'optimum-2025',
      family: 'sd2',
      schedulerConfig: { _class_name: 'EulerDiscreteScheduler', beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, prediction_type: 'epsilon', steps_offset: 1, timestep_spacing: 'leading' },
    });
    const a = await p.generate(base);
    const b = await eps.generate(base);
    expect(meanAbsDiff(a.images[0]!, b.images[0]!)).toBeGreaterThan(1);
  });

  it('every sampler runs on a real model and gives its own picture', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const images: RgbImage[] = [];
    for (const scheduler of ['euler', 'euler-a', 'ddim', 'dpmpp-2m', 'lcm', 'pndm'] as const) {
      const r = await p.generate({ ...base, scheduler, steps: 6 });
      expect(r.scheduler).toBe(scheduler);
      images.push(r.images[0]!);
    }
    for (let i = 1; i < images.length; i++) expect(meanAbsDiff(images[0]!, images[i]!)).toBeGreaterThan(0.5);
  });

  it('a prompt longer than 75 tokens is chunked, so words after the 75th still count', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const head = Array(75).fill('cat').join(' ');
    const short = await p.generate({ ...base, prompt: head });
    const long = await p.generate({ ...base, prompt: `${head} dog dog dog dog dog dog dog dog` });
    expect(meanAbsDiff(short.images[0]!, long.images[0]!)).toBeGreaterThan(0.5);
    expect(long.warnings).toEqual([]);
  });

  it('external weight files beside the .onnx load and give the same picture', async () => {
    const ext = await pipelineFor('optimum-2023-sd1-external', { generation: 'optimum-2023', family: 'sd1', externalData: true });
    const inline = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const a = await ext.generate(base);
    const b = await inline.generate(base);
    expect(a.images[0]!.data).toEqual(b.images[0]!.data);
  });

  it('progress is reported after every step', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const seen: [number, number][] = [];
    await p.generate({ ...base, scheduler: 'euler', steps: 5, onStep: (s, t) => seen.push([s, t]) });
    expect(seen).toEqual([[1, 5], [2, 5], [3, 5], [4, 5], [5, 5]]);
  });
});

describe('img2img (variations, zoom, hires fix)', () => {
  const start: RgbImage = (() => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++)
      for (let x = 0; x < 64; x++) {
        const i = (y * 64 + x) * 3;
        data[i] = x < 32 ? 230 : 20;
        data[i + 1] = y < 32 ? 40 : 200;
        data[i + 2] = 120;
      }
    return { width: 64, height: 64, data };
  })();

  for (const generation of ['diffusers-legacy', 'optimum-2023', 'olive-fp16'] as const) {
    it(`${generation}: low strength stays closer to the start image than high strength`, async () => {
      const p = await pipelineFor(`${generation}-sd1`, { generation, family: 'sd1' });
      const counts = countRuns(p);
      const img2img = { ...base, scheduler: 'ddim' as const, steps: 10, initImage: start };
      const subtle = await p.generate({ ...img2img, strength: 0.3 });
      expect(counts.vae_encoder).toBe(1);
      // floor(10 × 0.3) = 3 of the 10 steps run.
      expect(counts.unet).toBe(3);
      const strong = await p.generate({ ...img2img, strength: 0.9 });
      const roundTrip = (await p.generate({ ...img2img, strength: 0.3 })).images[0]!;
      expect(roundTrip.data).toEqual(subtle.images[0]!.data);
      // Subtle and strong differ, and a different seed moves a strong variation further than a subtle one.
      expect(meanAbsDiff(subtle.images[0]!, strong.images[0]!)).toBeGreaterThan(0.5);
      const subtle2 = await p.generate({ ...img2img, seed: 99, strength: 0.3 });
      const strong2 = await p.generate({ ...img2img, seed: 99, strength: 0.9 });
      expect(meanAbsDiff(subtle.images[0]!, subtle2.images[0]!)).toBeLessThan(meanAbsDiff(strong.images[0]!, strong2.images[0]!));
    });
  }

  it('a start image of another size is resized to the requested size', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const r = await p.generate({ ...base, width: 96, height: 64, initImage: start, strength: 0.5 });
    expect(r.images[0]!.width).toBe(96);
  });

  it('a model without a VAE encoder refuses image input with a clear message', async () => {
    const p = await pipelineFor('optimum-2023-sd1-noenc', { generation: 'optimum-2023', family: 'sd1', noVaeEncoder: true });
    await expect(p.generate({ ...base, initImage: start })).rejects.toThrow(/no VAE encoder/);
  });
});

describe('inpainting exports (UNet with 9 input channels)', () => {
  // prediction_type 'sample': the tiny UNet's answer is the clean latents, so what it keeps shows exactly.
  const options: TinyModelOptions = {
    generation: 'optimum-2023',
    family: 'sd1',
    inpainting: true,
    schedulerConfig: { _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085, num_train_timesteps: 1000, prediction_type: 'sample' },
  };
  const picture = (right: number): RgbImage => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let p = 0; p < 64 * 64; p++) data.set(p % 64 < 32 ? [220, 60, 40] : [right, right, 255 - right], p * 3);
    return { width: 64, height: 64, data };
  };
  const rightHalf = { width: 64, height: 64, data: new Uint8Array(64 * 64).map((_, i) => (i % 64 >= 32 ? 255 : 0)) };
  const half = (img: RgbImage, right: boolean) => img.data.filter((_, i) => (Math.floor(i / 3) % 64 >= 32) === right);

  it('is read as an inpainting model with 4-channel latents, and check and /models say so', () => {
    const info = readModelFolder(modelDir('inpainting-sd1', options));
    expect(info.canInpaint).toBe(true);
    expect(info.latentChannels).toBe(4);
    expect(familyLabel(info)).toBe('SD 1.x · inpainting');
    expect(readModelFolder(modelDir('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' })).canInpaint).toBe(false);
  });

  it('gets the mask and the masked picture: the kept half is the same for every seed, the masked half is new, and what was under the mask is not seen', async () => {
    const p = await pipelineFor('inpainting-sd1', options);
    const make = (seed: number, start: RgbImage) => p.generate({ ...base, seed, scheduler: 'euler', initImage: start, strength: 1, mask: rightHalf });
    const a = (await make(1, picture(30))).images[0]!;
    const b = (await make(2, picture(30))).images[0]!;
    expect(half(a, false)).toEqual(half(b, false));
    expect(meanAbsDiff({ ...a, data: half(a, true) }, { ...b, data: half(b, true) })).toBeGreaterThan(1);
    // Another picture under the mask: nothing changes, bit for bit.
    expect((await make(1, picture(200))).images[0]!.data).toEqual(a.data);
  });

  it('makes pictures from text alone (everything masked over grey), one VAE encoder run per job', async () => {
    const p = await pipelineFor('inpainting-sd1', options);
    const counts = countRuns(p);
    const a = (await p.generate({ ...base, scheduler: 'euler' })).images[0]!;
    const b = (await p.generate({ ...base, scheduler: 'euler', seed: 8 })).images[0]!;
    expect(counts.vae_encoder).toBe(2);
    expect(meanAbsDiff(a, b)).toBeGreaterThan(1);
  });
});

describe('several requests sharing UNet calls (generateMany)', () => {
  const requests: GenerationRequest[] = [
    { ...base, prompt: 'a red heart', seed: 3, guidance: 7 },
    { ...base, prompt: 'a blue whale under the sea', negativePrompt: 'blurry', seed: 11, guidance: 4, batch: 2 },
    { ...base, prompt: 'green apple', seed: 99, guidance: 9 },
  ];

  for (const family of ['sd1', 'sdxl', 'lcm'] as const) {
    it(`${family}: each request gets the same pictures as alone, in one UNet call per step`, async () => {
      const p = await pipelineFor(`optimum-2023-${family}`, { generation: 'optimum-2023', family });
      const counts = countRuns(p);
      const alone: GenerationResult[] = [];
      for (const r of requests) alone.push(await p.generate(r));
      // One call per timestep of the sampler (PNDM repeats its first), whatever the number of requests.
      const perRequest = counts.unet! / requests.length;
      counts.unet = 0;
      const together = await p.generateMany(requests);
      expect(counts.unet).toBe(perRequest);
      together.forEach((result, i) => {
        expect(result).not.toBeInstanceOf(Error);
        const images = (result as GenerationResult).images;
        expect(images.map((im) => im.seed)).toEqual(alone[i]!.images.map((im) => im.seed));
        images.forEach((im, k) => expect(im.data).toEqual(alone[i]!.images[k]!.data));
      });
    });
  }

  it('a cancelled request leaves at the next step and a refused one fails alone; the others finish as they would alone', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const stop = new AbortController();
    const steps: number[] = [];
    const results = await p.generateMany([
      requests[0]!,
      { ...requests[1]!, signal: stop.signal, onStep: (s) => (steps.push(s), s === 2 && stop.abort()) },
      { ...requests[2]!, steps: 1000 },
      requests[2]!,
    ]);
    expect(results[1]).toBeInstanceOf(GenerationCancelledError);
    expect(steps).toEqual([1, 2]);
    expect(results[2]).toBeInstanceOf(UserError);
    expect((results[0] as { images: RgbImage[] }).images[0]!.data).toEqual((await p.generate(requests[0]!)).images[0]!.data);
    expect((results[3] as { images: RgbImage[] }).images[0]!.data).toEqual((await p.generate(requests[2]!)).images[0]!.data);
  });

  it('requests of different sizes or samplers run in batches of their own', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const counts = countRuns(p);
    await p.generate({ ...requests[2]!, scheduler: 'ddim' });
    const perRequest = counts.unet!;
    counts.unet = 0;
    const results = await p.generateMany([{ ...requests[0]!, scheduler: 'ddim' }, { ...requests[2]!, scheduler: 'ddim', width: 96 }, { ...requests[2]!, scheduler: 'euler' }, { ...requests[1]!, scheduler: 'ddim' }]);
    expect(results.every((r) => !(r instanceof Error))).toBe(true);
    expect(counts.unet).toBe(3 * perRequest);
  });
});

describe('execution providers', () => {
  it('an execution provider this build lacks falls back to cpu with one clear warning', async () => {
    const missing = (['dml', 'coreml', 'cuda'] as const).find((d) => !supportedBackends().has(d));
    if (!missing) return; // every provider is built in here: nothing to fall back from
    const warnings: string[] = [];
    const p = await DiffusionPipeline.load(modelDir('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' }), {
      device: missing,
      log: (level, message) => level === 'warn' && warnings.push(message),
    });
    expect(p.model.unet.device).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`'${missing}' is not built into onnxruntime-node.*falling back to cpu`));
    expect((await p.generate(base)).images).toHaveLength(1);
    await p.release();
  });
});

describe('clear errors', () => {
  it('a missing part names the file and what was expected', async () => {
    const dir = writeTinyModel(join(root, 'missing-unet'), { generation: 'optimum-2023', family: 'sd1' });
    unlinkSync(join(dir, 'unet', 'model.onnx'));
    const err = await DiffusionPipeline.load(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/missing unet\/model\.onnx \(the denoising UNet\)/);
  });

  it('an unknown family is named', async () => {
    const dir = writeTinyModel(join(root, 'flux'), { generation: 'optimum-2023', family: 'sd1', pipelineClass: 'FluxPipeline' });
    await expect(DiffusionPipeline.load(dir)).rejects.toThrow(/unknown model family 'FluxPipeline'/);
  });

  it('an input the pipeline cannot feed is named with the file', async () => {
    const dir = writeTinyModel(join(root, 'controlnet'), { generation: 'optimum-2023', family: 'sd1', extraUnetInput: 'controlnet_cond' });
    await expect(DiffusionPipeline.load(dir)).rejects.toThrow(/unet[/\\]model\.onnx has an input 'controlnet_cond' this pipeline cannot feed/);
  });

  it('an export with operators only CUDA runs says which operator and which provider, before and at loading', async () => {
    const dir = writeTinyModel(join(root, 'olive-cuda'), { generation: 'olive-fp16', family: 'sd1', gpuOnlyOps: true });
    expect(readModelFolder(dir).gpuOnlyOps).toEqual([{ file: join(dir, 'vae_decoder', 'model.onnx'), op: 'GroupNorm', provider: 'cuda' }]);
    const err = await DiffusionPipeline.load(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelLoadError);
    expect((err as Error).message).toMatch(/vae_decoder[/\\]model\.onnx: its operator GroupNorm has no implementation on the cpu; only the cuda execution provider runs it/);
  });

  it('a corrupt ONNX file and a broken config are load errors naming the file', async () => {
    const dir = writeTinyModel(join(root, 'corrupt'), { generation: 'optimum-2023', family: 'sd1' });
    writeFileSync(join(dir, 'vae_decoder', 'model.onnx'), 'not a model');
    await expect(DiffusionPipeline.load(dir)).rejects.toThrow(/cannot load .*vae_decoder[/\\]model\.onnx/);
    const dir2 = writeTinyModel(join(root, 'badjson'), { generation: 'optimum-2023', family: 'sd1' });
    writeFileSync(join(dir2, 'scheduler', 'scheduler_config.json'), '{ "_class_name": ');
    await expect(DiffusionPipeline.load(dir2)).rejects.toThrow(/scheduler_config\.json is not valid JSON/);
  });

  it('reads Python-written -Infinity in scheduler_config.json (diffusers saves lambda_min_clipped that way)', async () => {
    const dir = writeTinyModel(join(root, 'dpm-inf'), { generation: 'optimum-2023', family: 'sd1' });
    writeFileSync(
      join(dir, 'scheduler', 'scheduler_config.json'),
      '{"_class_name": "DPMSolverMultistepScheduler", "beta_schedule": "scaled_linear", "beta_start": 0.00085, "beta_end": 0.012, "lambda_min_clipped": -Infinity, "steps_offset": 1}',
    );
    const p = await DiffusionPipeline.load(dir);
    expect(p.info.defaults.scheduler).toBe('dpmpp-2m');
    expect((await p.generate(base)).images).toHaveLength(1);
    await p.release();
  });

  it('requests outside the model limits are refused before any session runs', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const fixed = await pipelineFor('optimum-2023-sd1-fixed8', { generation: 'optimum-2023', family: 'sd1', fixedLatent: 8 });
    const lcm = await pipelineFor('optimum-2025-lcm', { generation: 'optimum-2025', family: 'lcm' });
    const counts = [countRuns(p), countRuns(fixed), countRuns(lcm)];
    const refused: [DiffusionPipeline, GenerationRequest, RegExp][] = [
      [p, { ...base, steps: 0 }, /Steps must be a whole number from 1 to 150/],
      [p, { ...base, steps: 500 }, /500 steps is more than the model `optimum-2023-sd1` allows \(at most 150\)/],
      [p, { ...base, width: 60 }, /60×64 is not a size .* width and height are multiples of 8 pixels/],
      [p, { ...base, height: 4096 }, /each side from 64 to 1536 pixels/],
      [p, { ...base, width: 1536, height: 1536 }, /larger than/],
      [p, { ...base, batch: 9 }, /makes 1 to 8 images at a time \(asked for 9\)/],
      [p, { ...base, seed: -1 }, /seed must be a whole number from 0 to 4294967295/],
      [p, { ...base, guidance: 31 }, /Guidance \(cfg\) must be a number from 0 to 30/],
      [p, { ...base, scheduler: 'heun' as never }, /Unknown sampler `heun`/],
      [p, { ...base, strength: 0, initImage: { width: 1, height: 1, data: new Uint8Array(3) } }, /Strength must be more than 0 and at most 1/],
      [p, { ...base, scheduler: 'euler', steps: 3, strength: 0.2, initImage: { width: 1, height: 1, data: new Uint8Array(3) } }, /too low/],
      [p, { ...base, initImage: { width: 2, height: 2, data: new Uint8Array(3) } }, /8-bit RGB/],
      [fixed, { ...base, width: 128, height: 128 }, /only makes 64×64 images/],
      [lcm, { ...base, steps: 60 }, /at most 50 steps/],
    ];
    for (const [pipeline, request, message] of refused) {
      const err = await pipeline.generate(request).catch((e: unknown) => e);
      expect(err, String(message)).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(message);
    }
    for (const c of counts) expect(c).toEqual({});
  });

  it('imagine.json can declare the one size a dynamic export makes, and its own defaults and limits', async () => {
    const hints = { name: 'hinted', defaults: { steps: 6, scheduler: 'ddim' }, limits: { maxSteps: 30, maxBatch: 2, fixedSize: { width: 64, height: 64 } } };
    const p = await pipelineFor('hinted', { generation: 'optimum-2023', family: 'sd1', hints });
    expect(p.info.name).toBe('hinted');
    expect(p.info.defaults).toMatchObject({ steps: 6, scheduler: 'ddim', width: 64, height: 64 });
    expect(readModelFolder(p.info.dir).defaults).toEqual(p.info.defaults);
    const r = await p.generate({ prompt: 'a cat', seed: 1 });
    expect([r.steps, r.scheduler, r.width]).toEqual([6, 'ddim', 64]);
    await expect(p.generate({ ...base, width: 128, height: 128 })).rejects.toThrow(/only makes 64×64/);
    await expect(p.generate({ ...base, steps: 31 })).rejects.toThrow(/31 steps is more than the model `hinted` allows \(at most 30\)/);
    await expect(p.generate({ ...base, batch: 3 })).rejects.toThrow(/makes 1 to 2 images at a time/);
  });

  it('cancellation stops between steps', async () => {
    const p = await pipelineFor('optimum-2023-sd1', { generation: 'optimum-2023', family: 'sd1' });
    const controller = new AbortController();
    const steps: number[] = [];
    const err = await p
      .generate({
        ...base,
        scheduler: 'euler',
        steps: 10,
        signal: controller.signal,
        onStep: (s) => {
          steps.push(s);
          if (s === 3) controller.abort();
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenerationCancelledError);
    expect(steps).toEqual([1, 2, 3]);
  });
});
