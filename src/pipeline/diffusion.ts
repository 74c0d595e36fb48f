import type * as ort from 'onnxruntime-node';
import { loadModel, RequestError, type LoadedModel, type ModelInfo } from './model.js';
import { readFloat, RunTimer, type ModelSession, type SessionOptions } from './onnx-session.js';
import { createTorchGenerator, type TorchGenerator } from './random.js';
import { resizeRgb } from './rgb.js';
import { createScheduler, SCHEDULER_NAMES } from './schedulers/index.js';
import type { Scheduler, SchedulerName } from './schedulers/types.js';
import { chunksFor, encodePrompt, zerosLike, type TextConditioning } from './text-conditioning.js';
import {
  GenerationCancelledError,
  type GeneratedImage,
  type GenerationRequest,
  type GenerationResult,
  type RgbImage,
} from './types.js';

/** A request with every default filled in and every limit checked. */
export interface ResolvedRequest {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  batch: number;
  scheduler: SchedulerName;
  strength: number;
}

const MAX_SEED = 2 ** 32 - 1;

export function randomSeed(): number {
  return Math.floor(Math.random() * MAX_SEED);
}

function roundTo8(v: number): number {
  return Math.max(8, Math.round(v / 8) * 8);
}

/** Fills defaults from the model and refuses, with a message for the user, anything outside its limits. */
export function resolveRequest(info: ModelInfo, req: GenerationRequest): ResolvedRequest {
  const d = info.defaults;
  const l = info.limits;
  const r: ResolvedRequest = {
    prompt: req.prompt ?? '',
    negativePrompt: req.negativePrompt ?? '',
    seed: req.seed ?? randomSeed(),
    steps: req.steps ?? d.steps,
    guidance: req.guidance ?? d.guidance,
    width: req.width ?? (req.initImage && !l.fixedSize ? roundTo8(req.initImage.width) : d.width),
    height: req.height ?? (req.initImage && !l.fixedSize ? roundTo8(req.initImage.height) : d.height),
    batch: req.batch ?? 1,
    scheduler: req.scheduler ?? d.scheduler,
    strength: req.strength ?? 0.75,
  };
  const int = (v: number) => Number.isInteger(v);
  if (typeof r.prompt !== 'string' || typeof r.negativePrompt !== 'string') throw new RequestError('the prompt must be text');
  if (!int(r.seed) || r.seed < 0 || r.seed > MAX_SEED) throw new RequestError(`seed must be a whole number from 0 to ${MAX_SEED}`);
  if (!int(r.steps) || r.steps < 1 || r.steps > l.maxSteps) throw new RequestError(`steps must be a whole number from 1 to ${l.maxSteps} for ${info.name}`);
  if (!Number.isFinite(r.guidance) || r.guidance < 0 || r.guidance > 30) throw new RequestError('guidance must be between 0 and 30');
  if (!int(r.batch) || r.batch < 1 || r.batch > l.maxBatch) throw new RequestError(`batch must be from 1 to ${l.maxBatch} for ${info.name}`);
  if (!SCHEDULER_NAMES.includes(r.scheduler)) throw new RequestError(`unknown sampler '${r.scheduler}'; use one of ${SCHEDULER_NAMES.join(', ')}`);
  if (!(r.strength > 0 && r.strength <= 1)) throw new RequestError('strength must be more than 0 and at most 1');
  if (r.seed + r.batch - 1 > MAX_SEED) throw new RequestError(`seed + batch must stay below ${MAX_SEED}`);
  if (l.fixedSize) {
    if (r.width !== l.fixedSize.width || r.height !== l.fixedSize.height) {
      throw new RequestError(`${info.name} only makes ${l.fixedSize.width}×${l.fixedSize.height} images`);
    }
  } else {
    for (const [name, v] of [['width', r.width], ['height', r.height]] as const) {
      if (!int(v) || v % info.vaeScaleFactor !== 0) throw new RequestError(`${name} must be a multiple of ${info.vaeScaleFactor} (got ${v})`);
      if (v < l.minSize || v > l.maxSize) throw new RequestError(`${name} must be from ${l.minSize} to ${l.maxSize} for ${info.name}`);
    }
    if (r.width * r.height > l.maxPixels) throw new RequestError(`${r.width}×${r.height} is larger than ${info.name} allows (${l.maxPixels} pixels)`);
  }
  if (req.initImage) {
    if (!info.canImg2Img) throw new RequestError(`${info.name} has no VAE encoder, so it cannot start from an image`);
    const img = req.initImage;
    if (!(img.width > 0 && img.height > 0) || img.data?.length !== img.width * img.height * 3) {
      throw new RequestError('the starting image must be 8-bit RGB pixels of its stated size');
    }
  }
  // The sampler's own limits (e.g. LCM's 50 steps, or a strength too low for the step count) are checked now, before any work.
  const probe = createScheduler(r.scheduler, info.schedulerConfig);
  try {
    const timesteps = req.initImage ? probe.setTimestepsForStrength(r.steps, r.strength) : (probe.setTimesteps(r.steps), probe.timesteps);
    if (timesteps.length === 0) throw new Error(`strength ${r.strength} is too low for ${r.steps} steps: nothing would change`);
  } catch (err) {
    throw new RequestError((err as Error).message);
  }
  return r;
}

/** diffusers' get_guidance_scale_embedding, the LCM UNet's timestep_cond. */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const scale = Math.log(10000) / (half - 1);
  for (let i = 0; i < half; i++) {
    const v = Math.fround(w * 1000) * Math.fround(Math.exp(-scale * i));
    out[i] = Math.sin(v);
    out[half + i] = Math.cos(v);
  }
  return out;
}

/** How generate() learns about cancellation and whether it lets the event loop run between steps. */
export interface StepControl {
  /** Polled before every step; true stops the job with GenerationCancelledError. */
  cancelled?: () => boolean;
  /** Yield to the event loop after every step (needed when the signal is an AbortSignal of this thread). */
  yieldEachStep?: boolean;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

interface UnetEntry {
  image: number;
  cond: TextConditioning;
}

/** Inputs of one UNet call that stay the same for every step: prompts, pooled embeddings, micro-conditioning. */
interface UnetGroup {
  entries: UnetEntry[];
  /** Entries actually used (a fixed batch may be padded with copies). */
  real: number;
  constantFeeds: Record<string, ort.Tensor>;
  sample: Float32Array;
}

/**
 * Text-to-image and image-to-image over one loaded model folder, in the calling thread.
 * Use loadPipeline (pipeline.ts) to run it in a worker and keep the event loop free.
 */
export class DiffusionPipeline {
  private constructor(readonly model: LoadedModel) {}

  static async load(dir: string, options: SessionOptions = {}): Promise<DiffusionPipeline> {
    return new DiffusionPipeline(await loadModel(dir, options));
  }

  get info(): ModelInfo {
    return this.model.info;
  }

  release(): Promise<void> {
    return this.model.release();
  }

  async generate(request: GenerationRequest, control: StepControl = {}): Promise<GenerationResult> {
    const started = performance.now();
    const { model } = this;
    const info = model.info;
    const r = resolveRequest(info, request);
    const cancelled = control.cancelled ?? (() => request.signal?.aborted === true);
    const yieldEachStep = control.yieldEachStep ?? control.cancelled === undefined;
    const check = () => {
      if (cancelled()) throw new GenerationCancelledError();
    };
    const timer = new RunTimer();
    const warnings: string[] = [];
    const isLcm = info.family === 'lcm' || info.family === 'lcm-sdxl';
    const doCfg = r.guidance > 1 && !isLcm;
    check();

    const { chunks, truncated } = chunksFor(model, doCfg ? [r.prompt, r.negativePrompt] : [r.prompt]);
    if (truncated) warnings.push(`the prompt was cut to ${chunks * 75} tokens, the most this model takes`);
    const cond = await encodePrompt(model, r.prompt, chunks, timer);
    let uncond: TextConditioning | undefined;
    if (doCfg) {
      uncond = info.forceZerosForEmptyPrompt && r.negativePrompt === '' ? zerosLike(cond) : await encodePrompt(model, r.negativePrompt, chunks, timer);
    }
    check();

    const lh = r.height / info.vaeScaleFactor;
    const lw = r.width / info.vaeScaleFactor;
    const latentShape = [1, info.latentChannels, lh, lw];
    const latentSize = info.latentChannels * lh * lw;

    // One generator and one scheduler per image, so image i is exactly the single image of seed + i.
    const generators: TorchGenerator[] = [];
    const schedulers: Scheduler[] = [];
    const latents: Float32Array[] = [];
    let timesteps: number[] = [];
    const initLatents = request.initImage ? await this.encodeImage(request.initImage, r, timer) : undefined;
    for (let i = 0; i < r.batch; i++) {
      const gen = createTorchGenerator(r.seed + i);
      const scheduler = createScheduler(r.scheduler, info.schedulerConfig);
      if (initLatents) {
        timesteps = scheduler.setTimestepsForStrength(r.steps, r.strength);
        const scaling = Math.fround(info.vaeScalingFactor);
        const start = model.io.vaeEncoderKind === 'parameters' ? samplePosterior(initLatents, gen, latentShape, scaling) : scaleBy(initLatents, scaling);
        latents.push(scheduler.addNoise(start, gen.randn(latentShape), timesteps[0]!));
      } else {
        scheduler.setTimesteps(r.steps);
        timesteps = scheduler.timesteps;
        const noise = gen.randn(latentShape);
        const sigma = scheduler.initNoiseSigma;
        if (sigma !== 1) for (let k = 0; k < noise.length; k++) noise[k]! *= sigma;
        latents.push(noise);
      }
      generators.push(gen);
      schedulers.push(scheduler);
    }

    const groups = this.unetGroups(r, cond, uncond, latentSize, isLcm);
    const total = timesteps.length;
    const tsRank = model.unet.input('timestep')?.shape.length ?? 1;
    const preds: Float32Array[] = new Array(groups.reduce((n, g) => n + g.real, 0));
    const noisePred = doCfg ? Array.from({ length: r.batch }, () => new Float32Array(latentSize)) : [];

    for (let step = 0; step < total; step++) {
      check();
      const t = timesteps[step]!;
      const inputs = latents.map((l, i) => schedulers[i]!.scaleModelInput(l, t));
      let p = 0;
      for (const g of groups) {
        g.entries.forEach((e, k) => g.sample.set(inputs[e.image]!, k * latentSize));
        const b = g.entries.length;
        const feeds: Record<string, ort.Tensor> = {
          ...g.constantFeeds,
          sample: model.unet.floatTensor('sample', g.sample, [b, info.latentChannels, lh, lw]),
          timestep: tsRank === 0 ? model.unet.numberTensor('timestep', [t], []) : model.unet.numberTensor('timestep', new Array<number>(b).fill(t), [b]),
        };
        const result = await model.unet.run(feeds, [model.io.unetOut], timer, 'unet');
        const out = readFloat(result[model.io.unetOut]!).data;
        for (let k = 0; k < g.real; k++) preds[p++] = out.subarray(k * latentSize, (k + 1) * latentSize);
      }
      for (let i = 0; i < r.batch; i++) {
        let eps: Float32Array;
        if (doCfg) {
          // Entries are ordered (uncond, cond) per image.
          const u = preds[2 * i]!;
          const c = preds[2 * i + 1]!;
          eps = noisePred[i]!;
          const w = Math.fround(r.guidance);
          for (let k = 0; k < latentSize; k++) eps[k] = u[k]! + Math.fround(w * Math.fround(c[k]! - u[k]!));
        } else {
          eps = preds[i]!;
        }
        latents[i] = schedulers[i]!.step(eps, t, latents[i]!, generators[i]).prevSample;
      }
      request.onStep?.(step + 1, total);
      if (yieldEachStep) await yieldToEventLoop();
    }
    check();

    const images = await this.decode(latents, r, lh, lw, timer);
    return {
      images,
      model: info.name,
      steps: r.steps,
      scheduler: r.scheduler,
      guidance: r.guidance,
      width: r.width,
      height: r.height,
      warnings,
      timings: { wallMs: performance.now() - started, stages: timer.toJSON() },
    };
  }

  /** Splits the (image, prompt) entries into UNet calls as its batch axis allows, with their constant inputs built once. */
  private unetGroups(r: ResolvedRequest, cond: TextConditioning, uncond: TextConditioning | undefined, latentSize: number, isLcm: boolean): UnetGroup[] {
    const { unet } = this.model;
    const entries: UnetEntry[] = [];
    for (let i = 0; i < r.batch; i++) {
      if (uncond) entries.push({ image: i, cond: uncond });
      entries.push({ image: i, cond });
    }
    const groupSize = unet.fixedDim('sample', 0) ?? entries.length;
    const timestepCond = isLcm ? guidanceEmbedding(r.guidance - 1, this.model.io.timestepCondDim ?? 256) : undefined;
    const groups: UnetGroup[] = [];
    for (let start = 0; start < entries.length; start += groupSize) {
      const group = entries.slice(start, start + groupSize);
      const real = group.length;
      // A fixed batch larger than what is left is filled with copies of the last entry.
      while (group.length < groupSize) group.push(group[group.length - 1]!);
      groups.push({ entries: group, real, constantFeeds: constantUnetFeeds(unet, group, r, timestepCond), sample: new Float32Array(group.length * latentSize) });
    }
    return groups;
  }

  private async encodeImage(image: RgbImage, r: ResolvedRequest, timer: RunTimer): Promise<Float32Array> {
    const enc = this.model.vaeEncoder!;
    const resized = image.width === r.width && image.height === r.height ? image : resizeRgb(image, r.width, r.height);
    const plane = r.width * r.height;
    const x = new Float32Array(3 * plane);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) x[c * plane + p] = resized.data[p * 3 + c]! / 127.5 - 1;
    }
    const result = await enc.run({ sample: enc.floatTensor('sample', x, [1, 3, r.height, r.width]) }, [this.model.io.vaeEncoderOut!], timer, 'vae_encoder');
    return Float32Array.from(readFloat(result[this.model.io.vaeEncoderOut!]!).data);
  }

  private async decode(latents: Float32Array[], r: ResolvedRequest, lh: number, lw: number, timer: RunTimer): Promise<GeneratedImage[]> {
    const { vaeDecoder, info } = this.model;
    const images: GeneratedImage[] = [];
    // torch divides a float32 tensor by the scaling factor as a float32.
    const k = Math.fround(info.vaeScalingFactor);
    for (let i = 0; i < latents.length; i++) {
      const latent = latents[i]!;
      const scaled = new Float32Array(latent.length);
      for (let j = 0; j < latent.length; j++) scaled[j] = latent[j]! / k;
      const result = await vaeDecoder.run(
        { latent_sample: vaeDecoder.floatTensor('latent_sample', scaled, [1, info.latentChannels, lh, lw]) },
        [this.model.io.vaeDecoderOut],
        timer,
        'vae_decoder',
      );
      const px = readFloat(result[this.model.io.vaeDecoderOut]!);
      const [, , h, w] = px.dims as [number, number, number, number];
      images.push({ ...toRgb(px.data, w, h), seed: r.seed + i });
    }
    return images;
  }
}

/** encoder_hidden_states, text_embeds, time_ids and timestep_cond of one UNet call, in the export's element types. */
function constantUnetFeeds(unet: ModelSession, group: UnetEntry[], r: ResolvedRequest, timestepCond: Float32Array | undefined): Record<string, ort.Tensor> {
  const b = group.length;
  const c0 = group[0]!.cond;
  const hidden = new Float32Array(b * c0.hidden.length);
  group.forEach((e, k) => hidden.set(e.cond.hidden, k * c0.hidden.length));
  const feeds: Record<string, ort.Tensor> = {
    encoder_hidden_states: unet.floatTensor('encoder_hidden_states', hidden, [b, c0.seqLen, c0.dim]),
  };
  if (timestepCond) {
    const tc = new Float32Array(b * timestepCond.length);
    for (let k = 0; k < b; k++) tc.set(timestepCond, k * timestepCond.length);
    feeds.timestep_cond = unet.floatTensor('timestep_cond', tc, [b, timestepCond.length]);
  }
  if (unet.inputs.has('text_embeds')) {
    const p = c0.pooled!.length;
    const pooled = new Float32Array(b * p);
    group.forEach((e, k) => pooled.set(e.cond.pooled!, k * p));
    feeds.text_embeds = unet.floatTensor('text_embeds', pooled, [b, p]);
  }
  if (unet.inputs.has('time_ids')) {
    // SDXL micro-conditioning: original size, crop top-left, target size.
    const ids = [r.height, r.width, 0, 0, r.height, r.width];
    feeds.time_ids = unet.floatTensor('time_ids', Float32Array.from(group.flatMap(() => ids)), [b, 6]);
  }
  return feeds;
}

/** diffusers' DiagonalGaussianDistribution.sample(generator): mean + exp(logvar/2)·noise, then scaled. */
function samplePosterior(parameters: Float32Array, gen: TorchGenerator, latentShape: number[], scaling: number): Float32Array {
  const n = parameters.length / 2;
  const noise = gen.randn(latentShape);
  const out = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const logvar = Math.min(20, Math.max(-30, parameters[n + k]!));
    out[k] = Math.fround(parameters[k]! + Math.fround(Math.fround(Math.exp(0.5 * logvar)) * noise[k]!)) * scaling;
  }
  return out;
}

function scaleBy(v: Float32Array, k: number): Float32Array {
  return Float32Array.from(v, (x) => x * k);
}

/** VAE output in [-1, 1], CHW, to 8-bit RGB as diffusers' postprocess does (clamp, ×255, round half to even). */
export function toRgb(chw: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  // A Uint8ClampedArray store clamps and rounds half to even, as numpy's round does.
  const clamped = new Uint8ClampedArray(plane * 3);
  const f = Math.fround;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    for (let p = 0, o = c; p < plane; p++, o += 3) clamped[o] = f(f(f(chw[base + p]! / 2) + 0.5) * 255);
  }
  return { width, height, data: new Uint8Array(clamped.buffer) };
}
