import { md } from '../core/markup.js';
import type * as ort from 'onnxruntime-node';
import { UserError } from '../core/errors.js';
import { randomSeed } from '../core/parameters.js';
import { KARRAS_SAMPLERS, type SchedulerName } from '../core/samplers.js';
import { checkGeneration } from './capabilities.js';
import type { ModelDescription } from './model-folder.js';
import { loadModel, type LoadedModel } from './model.js';
import { readFloat, RunTimer, type ModelSession, type SessionOptions } from './onnx-session.js';
import { decodePreview, previewGrid } from './previews.js';
import { createTorchGenerator, type TorchGenerator } from './random.js';
import { resizeRgb } from './rgb.js';
import { createScheduler } from './schedulers/index.js';
import type { Scheduler } from './schedulers/types.js';
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
  /** undefined: as the model's scheduler config says. */
  karras?: boolean;
  strength: number;
}

function roundTo8(v: number): number {
  return Math.max(8, Math.round(v / 8) * 8);
}

/** Fills defaults from the model and refuses (UserError) anything outside what it can make. */
export function resolveRequest(info: ModelDescription, req: GenerationRequest): ResolvedRequest {
  const d = info.defaults;
  const fixed = info.limits.fixedSize;
  const r: ResolvedRequest = {
    prompt: req.prompt ?? '',
    negativePrompt: req.negativePrompt ?? '',
    seed: req.seed ?? randomSeed(),
    steps: req.steps ?? d.steps,
    guidance: req.guidance ?? d.guidance,
    width: req.width ?? (req.initImage && !fixed ? roundTo8(req.initImage.width) : d.width),
    height: req.height ?? (req.initImage && !fixed ? roundTo8(req.initImage.height) : d.height),
    batch: req.batch ?? 1,
    scheduler: req.scheduler ?? d.scheduler,
    karras: req.karras,
    strength: req.strength ?? 0.75,
  };
  if (typeof r.prompt !== 'string' || typeof r.negativePrompt !== 'string') throw new UserError('The prompt must be text.', 'prompt');
  if (r.karras && !KARRAS_SAMPLERS.includes(r.scheduler)) throw new UserError(md`Karras sigmas work with ${KARRAS_SAMPLERS.join(', ')}, not ${r.scheduler}.`, 'sampler');
  checkGeneration(info, { ...r, count: r.batch, strength: req.initImage ? r.strength : undefined });
  if (req.initImage) {
    const img = req.initImage;
    if (!(img.width > 0 && img.height > 0) || img.data?.length !== img.width * img.height * 3) {
      throw new UserError('The starting image must be 8-bit RGB pixels of its stated size.', 'image');
    }
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
  /** Asked before a preview is handed out; false keeps it back (the safety check of previews). */
  previewAllowed?: (preview: RgbImage) => Promise<boolean>;
}

const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

/** Largest side of one picture in a preview grid, unless the request says otherwise. */
const PREVIEW_TILE = 128;
/** How long a job runs before its first preview, at most. */
const FIRST_PREVIEW_MS = 500;

interface LatentShape {
  /** [1, channels, height, width] of one image. */
  dims: number[];
  /** Elements of one image's latents. */
  size: number;
  lh: number;
  lw: number;
}

interface PreparedLatents {
  /** Inpainting with any model: each image's clean start latents and its noise, and the latent mask (1 repaint, 0 keep). */
  inpaint?: { known: Float32Array[]; noise: Float32Array[]; mask: Float32Array };
  /** An inpainting export's extra UNet channels, the same for every image: the mask, then the masked picture's latents. */
  conditioning?: Float32Array;
  latents: Float32Array[];
  schedulers: Scheduler[];
  generators: TorchGenerator[];
  timesteps: number[];
  shape: LatentShape;
}

/**
 * The timestep as the UNet declares it: a scalar, one per batch entry, or a fixed length (old
 * exports declare [1], which the model broadcasts over the batch, as diffusers' ONNX pipeline feeds it).
 */
function timestepTensor(unet: ModelSession, t: number, batch: number): ort.Tensor {
  const declared = unet.input('timestep')?.shape ?? [batch];
  if (declared.length === 0) return unet.numberTensor('timestep', [t], []);
  const fixed = unet.fixedDim('timestep', 0);
  const n = fixed ?? batch;
  return unet.numberTensor('timestep', new Array<number>(n).fill(t), [n]);
}

interface UnetEntry {
  /** Index of the image's latents among everything in the call's batch. */
  image: number;
  cond: TextConditioning;
  /** The unconditional side of classifier-free guidance. */
  uncond?: boolean;
  /** LCM's guidance embedding (its request's guidance). */
  timestepCond?: Float32Array;
  /** An inpainting export's extra channels (its request's mask and masked picture). */
  conditioning?: Float32Array;
}

/** Inputs of one UNet call that stay the same for every step: prompts, pooled embeddings, micro-conditioning. */
interface UnetGroup {
  entries: UnetEntry[];
  /** Entries actually used (a fixed batch may be padded with copies). */
  real: number;
  constantFeeds: Record<string, ort.Tensor>;
  /** The UNet's sample input: per entry the scaled latents, then any constant extra channels. */
  sample: Float32Array;
  /** Elements of one entry in `sample`. */
  stride: number;
}

/** One request of a generateMany call, ready to denoise. */
interface Member {
  /** Its place in the requests. */
  index: number;
  request: GenerationRequest;
  r: ResolvedRequest;
  started: number;
  timer: RunTimer;
  warnings: string[];
  doCfg: boolean;
  cond: TextConditioning;
  uncond?: TextConditioning;
  prepared: PreparedLatents;
  timestepCond?: Float32Array;
  cancelled: () => boolean;
  yieldEachStep: boolean;
  previewAllowed?: StepControl['previewAllowed'];
  lastPreview: number;
  /** Index of its first image among all latents of the batch. */
  offset: number;
}

/** Shared UNet calls count in the timings of every request that took part. */
class SharedTimer extends RunTimer {
  constructor(private readonly timers: readonly RunTimer[]) {
    super();
  }

  override add(stage: string, ms: number): void {
    for (const t of this.timers) t.add(stage, ms);
  }
}

/** Requests that can share UNet calls: the same latent size, sampler and timesteps. */
function batchKeyOf(m: Member): string {
  return JSON.stringify([m.prepared.shape.dims, m.r.width, m.r.height, m.r.scheduler, m.r.karras ?? null, m.prepared.timesteps]);
}

/**
 * Text-to-image and image-to-image over one loaded model folder, in the calling thread.
 * Use loadPipeline (pipeline.ts) to run it in a worker and keep the event loop free.
 */
export class DiffusionPipeline {
  private constructor(readonly model: LoadedModel) {}

  static async load(folder: string | ModelDescription, options: SessionOptions = {}): Promise<DiffusionPipeline> {
    return new DiffusionPipeline(await loadModel(folder, options));
  }

  get info(): ModelDescription {
    return this.model.info;
  }

  release(): Promise<void> {
    return this.model.release();
  }

  /**
   * The stages of diffusers' __call__: check the request, encode the prompts, prepare the
   * latents (noise, or the noised start image), denoise step by step, decode.
   */
  async generate(request: GenerationRequest, control: StepControl = {}): Promise<GenerationResult> {
    const [outcome] = await this.generateMany([request], [control]);
    if (outcome instanceof Error) throw outcome;
    return outcome!;
  }

  /**
   * Several requests at once: those with the same latent size, sampler and timesteps share every
   * UNet call (each entry keeps its own prompt, seed, guidance and negative prompt), the rest run
   * in batches of their own. Each request keeps its own progress, previews and cancellation (a
   * cancelled one leaves the batch at the next step); one that fails fails alone. Each image is
   * the same as when its request runs alone.
   */
  async generateMany(requests: readonly GenerationRequest[], controls: readonly StepControl[] = []): Promise<(GenerationResult | Error)[]> {
    const out: (GenerationResult | Error | undefined)[] = new Array(requests.length);
    const batches = new Map<string, Member[]>();
    for (const [index, request] of requests.entries()) {
      try {
        const m = await this.prepareMember(index, request, controls[index] ?? {});
        const key = batchKeyOf(m);
        batches.set(key, [...(batches.get(key) ?? []), m]);
      } catch (err) {
        out[index] = err instanceof Error ? err : new Error(String(err));
      }
    }
    for (const members of batches.values()) await this.denoiseTogether(members, out);
    return out.map((o) => o ?? new Error('the request was not run'));
  }

  /** Checks a request and encodes what it needs before the first step. */
  private async prepareMember(index: number, request: GenerationRequest, control: StepControl): Promise<Member> {
    const started = performance.now();
    const info = this.model.info;
    const r = resolveRequest(info, request);
    const cancelled = control.cancelled ?? (() => request.signal?.aborted === true);
    const timer = new RunTimer();
    const warnings: string[] = [];
    const isLcm = info.family === 'lcm' || info.family === 'lcm-sdxl';
    const doCfg = r.guidance > 1 && !isLcm;
    if (cancelled()) throw new GenerationCancelledError();
    const { cond, uncond, truncatedTo } = await this.encodePrompts(r, doCfg, timer);
    if (truncatedTo) warnings.push(`the prompt was cut to ${truncatedTo} tokens, the most this model takes`);
    if (cancelled()) throw new GenerationCancelledError();
    const prepared = await this.prepareLatents(r, request.initImage, timer, request.mask);
    return {
      index,
      request,
      r,
      started,
      timer,
      warnings,
      doCfg,
      cond,
      ...(uncond ? { uncond } : {}),
      prepared,
      ...(isLcm ? { timestepCond: guidanceEmbedding(r.guidance - 1, this.model.io.timestepCondDim ?? 256) } : {}),
      cancelled,
      yieldEachStep: control.yieldEachStep ?? control.cancelled === undefined,
      ...(control.previewAllowed ? { previewAllowed: control.previewAllowed } : {}),
      // The first preview comes after half a second at most: a job done sooner needs none.
      lastPreview: performance.now() - Math.max(0, (request.preview?.everyMs ?? 0) - FIRST_PREVIEW_MS),
      offset: 0,
    };
  }

  /** The denoising loop over requests that share UNet calls, then each one's decode; results and errors go to `out` by request. */
  private async denoiseTogether(members: Member[], out: (GenerationResult | Error | undefined)[]): Promise<void> {
    const { shape, timesteps } = members[0]!.prepared;
    const latents: Float32Array[] = [];
    const schedulers: Scheduler[] = [];
    const generators: TorchGenerator[] = [];
    for (const m of members) {
      m.offset = latents.length;
      latents.push(...m.prepared.latents);
      schedulers.push(...m.prepared.schedulers);
      generators.push(...m.prepared.generators);
    }
    let active = members;
    const shared = () => new SharedTimer(active.map((m) => m.timer));
    let groups = this.unetGroups(active, shape.size);
    for (let step = 0; step < timesteps.length; step++) {
      // A cancelled request leaves the batch before the step.
      const stopped = active.filter((m) => m.cancelled());
      if (stopped.length) {
        for (const m of stopped) out[m.index] = new GenerationCancelledError();
        active = active.filter((m) => !stopped.includes(m));
        if (active.length === 0) return;
        groups = this.unetGroups(active, shape.size);
      }
      const denoised = await this.denoiseStep(active, groups, latents, schedulers, generators, timesteps[step]!, shape, shared());
      for (const m of active) {
        // keepUnmasked writes into each image's latents in place.
        if (m.prepared.inpaint) keepUnmasked(latents.slice(m.offset, m.offset + m.r.batch), m.prepared.inpaint, schedulers.slice(m.offset, m.offset + m.r.batch), timesteps[step + 1]);
        let preview: RgbImage | undefined;
        const now = performance.now();
        const every = m.request.preview?.everyMs;
        if (every !== undefined && step + 1 < timesteps.length && now - m.lastPreview >= every) {
          m.lastPreview = now;
          preview = await this.preview(denoised.slice(m.offset, m.offset + m.r.batch), shape, m.request.preview?.tile ?? PREVIEW_TILE, m.timer);
          if (m.previewAllowed && !(await m.previewAllowed(preview))) preview = undefined;
        }
        m.request.onStep?.(step + 1, timesteps.length, preview);
      }
      if (active.some((m) => m.yieldEachStep)) await yieldToEventLoop();
    }
    for (const m of active) {
      try {
        if (m.cancelled()) throw new GenerationCancelledError();
        const images = await this.decodeLatents(latents.slice(m.offset, m.offset + m.r.batch), m.r, shape, m.timer);
        out[m.index] = {
          images,
          model: this.model.info.name,
          steps: m.r.steps,
          scheduler: m.r.scheduler,
          guidance: m.r.guidance,
          width: m.r.width,
          height: m.r.height,
          warnings: m.warnings,
          timings: { wallMs: performance.now() - m.started, stages: m.timer.toJSON() },
        };
      } catch (err) {
        out[m.index] = err instanceof Error ? err : new Error(String(err));
      }
    }
  }

  /** encode_prompt: the prompt's embeddings, and the negative prompt's when guidance is on. */
  private async encodePrompts(r: ResolvedRequest, doCfg: boolean, timer: RunTimer): Promise<{ cond: TextConditioning; uncond?: TextConditioning; truncatedTo?: number }> {
    const { model } = this;
    const { chunks, truncated } = chunksFor(model, doCfg ? [r.prompt, r.negativePrompt] : [r.prompt]);
    const cond = await encodePrompt(model, r.prompt, chunks, timer);
    let uncond: TextConditioning | undefined;
    if (doCfg) {
      uncond = model.info.forceZerosForEmptyPrompt && r.negativePrompt === '' ? zerosLike(cond) : await encodePrompt(model, r.negativePrompt, chunks, timer);
    }
    return { cond, uncond, truncatedTo: truncated ? chunks * 75 : undefined };
  }

  /**
   * prepare_latents: one generator and one scheduler per image, so image i is exactly the single
   * image of seed + i; pure noise, or the start image encoded and noised to the first timestep.
   */
  private async prepareLatents(r: ResolvedRequest, initImage: RgbImage | undefined, timer: RunTimer, mask?: GenerationRequest['mask']): Promise<PreparedLatents> {
    const info = this.model.info;
    const lh = r.height / info.vaeScaleFactor;
    const lw = r.width / info.vaeScaleFactor;
    const shape: LatentShape = { dims: [1, info.latentChannels, lh, lw], size: info.latentChannels * lh * lw, lh, lw };
    const generators: TorchGenerator[] = [];
    const schedulers: Scheduler[] = [];
    const latents: Float32Array[] = [];
    let timesteps: number[] = [];
    const initLatents = initImage ? await this.encodeImage(initImage, r, timer) : undefined;
    if (mask && !initLatents) throw new UserError('A mask needs a picture to start from.', 'image');
    // An inpainting export repaints the masked part itself; any other model is held to the start picture outside it after each step.
    const inpaint = initLatents && mask && !info.canInpaint ? { known: [] as Float32Array[], noise: [] as Float32Array[], mask: latentMask(mask, lw, lh) } : undefined;
    const conditioning = info.canInpaint ? await this.inpaintingConditioning(r, shape, timer, initImage, mask) : undefined;
    for (let i = 0; i < r.batch; i++) {
      const gen = createTorchGenerator(r.seed + i);
      const scheduler = createScheduler(r.scheduler, r.karras === undefined ? info.schedulerConfig : { ...info.schedulerConfig, use_karras_sigmas: r.karras });
      if (initLatents) {
        timesteps = scheduler.setTimestepsForStrength(r.steps, r.strength);
        const scaling = Math.fround(info.vaeScalingFactor);
        const start = this.model.io.vaeEncoderKind === 'parameters' ? samplePosterior(initLatents, gen, shape.dims, scaling) : scaleBy(initLatents, scaling);
        const noise = gen.randn(shape.dims);
        // Repainting at full strength starts from pure noise, as diffusers' inpainting pipeline does: nothing under the mask leaks in.
        latents.push(mask && r.strength >= 1 ? scaleBy(noise, scheduler.initNoiseSigma) : scheduler.addNoise(start, noise, timesteps[0]!));
        inpaint?.known.push(start);
        inpaint?.noise.push(noise);
      } else {
        scheduler.setTimesteps(r.steps);
        timesteps = scheduler.timesteps;
        const noise = gen.randn(shape.dims);
        const sigma = scheduler.initNoiseSigma;
        if (sigma !== 1) for (let k = 0; k < noise.length; k++) noise[k]! *= sigma;
        latents.push(noise);
      }
      generators.push(gen);
      schedulers.push(scheduler);
    }
    return { latents, schedulers, generators, timesteps, shape, ...(inpaint ? { inpaint } : {}), ...(conditioning ? { conditioning } : {}) };
  }

  /**
   * What an inpainting export reads beside the latents (diffusers' StableDiffusionInpaintPipeline):
   * the mask at latent size (1 repaint, 0 keep), then the latents of the start picture with the
   * masked part blanked to grey. Without a mask everything is repainted over a grey picture, as
   * diffusers and A1111 feed such a model for text-to-image. The latents are the encoder's mean,
   * so no image's random numbers are spent on them.
   */
  private async inpaintingConditioning(r: ResolvedRequest, shape: LatentShape, timer: RunTimer, image?: RgbImage, mask?: GenerationRequest['mask']): Promise<Float32Array> {
    const { info, vaeEncoder } = this.model;
    const plane = shape.lh * shape.lw;
    const out = new Float32Array(plane + shape.size);
    if (mask) out.set(areaMask(mask, shape.lw, shape.lh).map((m) => (m >= 0.5 ? 1 : 0)));
    else out.fill(1, 0, plane);
    // Without an encoder the masked picture's latents stay zero (only text-to-image reaches here then).
    if (vaeEncoder) {
      const encoded = await this.encodePixels(normalisedPixels(image && mask ? image : undefined, r, mask), r, timer);
      const scaling = Math.fround(info.vaeScalingFactor);
      const mean = this.model.io.vaeEncoderKind === 'parameters' ? encoded.subarray(0, shape.size) : encoded;
      for (let k = 0; k < shape.size; k++) out[plane + k] = mean[k]! * scaling;
    }
    return out;
  }

  /** The pictures the latents are heading for (the denoiser's estimate of the clean latents), in a small grid. */
  private async preview(denoised: Float32Array[], shape: LatentShape, tile: number, timer: RunTimer): Promise<RgbImage> {
    const { model } = this;
    const images = await decodePreview(model.info.previewDecoder, denoised, { channels: model.info.latentChannels, lh: shape.lh, lw: shape.lw }, {
      info: model.info,
      vae: model.vaeDecoder,
      vaeOut: model.io.vaeDecoderOut,
      approx: model.vaeApprox,
      timer,
    });
    return previewGrid(images, tile);
  }

  /**
   * One step of the denoising loop: the UNet on every (image, prompt) entry of every request,
   * each request's guidance, each image's scheduler step. Returns each image's estimate of its
   * clean latents (for previews), by its index among all latents.
   */
  private async denoiseStep(
    members: readonly Member[],
    groups: UnetGroup[],
    latents: Float32Array[],
    schedulers: Scheduler[],
    generators: TorchGenerator[],
    t: number,
    shape: LatentShape,
    timer: RunTimer,
  ): Promise<Float32Array[]> {
    const { model } = this;
    const { unet } = model;
    const size = shape.size;
    const inputs: Float32Array[] = [];
    for (const m of members) for (let i = m.offset; i < m.offset + m.r.batch; i++) inputs[i] = schedulers[i]!.scaleModelInput(latents[i]!, t);
    const cond: Float32Array[] = [];
    const uncond: Float32Array[] = [];
    for (const g of groups) {
      g.entries.forEach((e, k) => g.sample.set(inputs[e.image]!, k * g.stride));
      const b = g.entries.length;
      const feeds: Record<string, ort.Tensor> = {
        ...g.constantFeeds,
        sample: unet.floatTensor('sample', g.sample, [b, g.stride / (shape.lh * shape.lw), shape.lh, shape.lw]),
        timestep: timestepTensor(unet, t, b),
      };
      const result = await unet.run(feeds, [model.io.unetOut], timer, 'unet');
      const data = readFloat(result[model.io.unetOut]!).data;
      for (let k = 0; k < g.real; k++) {
        const e = g.entries[k]!;
        (e.uncond ? uncond : cond)[e.image] = data.subarray(k * size, (k + 1) * size);
      }
    }
    const denoised: Float32Array[] = [];
    for (const m of members) {
      const w = Math.fround(m.r.guidance);
      for (let i = m.offset; i < m.offset + m.r.batch; i++) {
        const c = cond[i]!;
        let eps = c;
        if (m.doCfg) {
          const u = uncond[i]!;
          eps = new Float32Array(size);
          for (let k = 0; k < size; k++) eps[k] = u[k]! + Math.fround(w * Math.fround(c[k]! - u[k]!));
        }
        const stepped = schedulers[i]!.step(eps, t, latents[i]!, generators[i]);
        latents[i] = stepped.prevSample;
        denoised[i] = stepped.denoised ?? stepped.prevSample;
      }
    }
    return denoised;
  }

  /** Splits the (image, prompt) entries of the requests into UNet calls as its batch axis allows, with their constant inputs built once. */
  private unetGroups(members: readonly Member[], latentSize: number): UnetGroup[] {
    const { unet } = this.model;
    const entries: UnetEntry[] = [];
    for (const m of members) {
      const extra = { ...(m.timestepCond ? { timestepCond: m.timestepCond } : {}), ...(m.prepared.conditioning ? { conditioning: m.prepared.conditioning } : {}) };
      for (let i = 0; i < m.r.batch; i++) {
        if (m.uncond) entries.push({ image: m.offset + i, cond: m.uncond, uncond: true, ...extra });
        entries.push({ image: m.offset + i, cond: m.cond, ...extra });
      }
    }
    const groupSize = unet.fixedDim('sample', 0) ?? entries.length;
    const r = members[0]!.r;
    const groups: UnetGroup[] = [];
    for (let start = 0; start < entries.length; start += groupSize) {
      const group = entries.slice(start, start + groupSize);
      const real = group.length;
      // A fixed batch larger than what is left is filled with copies of the last entry.
      while (group.length < groupSize) group.push(group[group.length - 1]!);
      const stride = latentSize + (group[0]!.conditioning?.length ?? 0);
      const sample = new Float32Array(group.length * stride);
      group.forEach((e, k) => e.conditioning && sample.set(e.conditioning, k * stride + latentSize));
      groups.push({ entries: group, real, constantFeeds: constantUnetFeeds(unet, group, r), sample, stride });
    }
    return groups;
  }

  private encodeImage(image: RgbImage, r: ResolvedRequest, timer: RunTimer): Promise<Float32Array> {
    return this.encodePixels(normalisedPixels(image, r), r, timer);
  }

  /** The VAE encoder's output for CHW pixels in [-1, 1] at the request's size. */
  private async encodePixels(x: Float32Array, r: ResolvedRequest, timer: RunTimer): Promise<Float32Array> {
    const enc = this.model.vaeEncoder!;
    const result = await enc.run({ sample: enc.floatTensor('sample', x, [1, 3, r.height, r.width]) }, [this.model.io.vaeEncoderOut!], timer, 'vae_encoder');
    return Float32Array.from(readFloat(result[this.model.io.vaeEncoderOut!]!).data);
  }

  /** decode: each image's latents through the VAE decoder to 8-bit RGB. */
  private async decodeLatents(latents: Float32Array[], r: ResolvedRequest, shape: LatentShape, timer: RunTimer): Promise<GeneratedImage[]> {
    const { lh, lw } = shape;
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
function constantUnetFeeds(unet: ModelSession, group: UnetEntry[], r: Pick<ResolvedRequest, 'width' | 'height'>): Record<string, ort.Tensor> {
  const b = group.length;
  const c0 = group[0]!.cond;
  const hidden = new Float32Array(b * c0.hidden.length);
  group.forEach((e, k) => hidden.set(e.cond.hidden, k * c0.hidden.length));
  const feeds: Record<string, ort.Tensor> = {
    encoder_hidden_states: unet.floatTensor('encoder_hidden_states', hidden, [b, c0.seqLen, c0.dim]),
  };
  const tc0 = group[0]!.timestepCond;
  if (tc0) {
    const tc = new Float32Array(b * tc0.length);
    group.forEach((e, k) => tc.set(e.timestepCond!, k * tc0.length));
    feeds.timestep_cond = unet.floatTensor('timestep_cond', tc, [b, tc0.length]);
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

/**
 * A picture as the VAE encoder takes it: CHW in [-1, 1] at the request's size. Pixels under the
 * mask (≥ 128) are blanked to 0, grey; no picture at all is all grey.
 */
function normalisedPixels(image: RgbImage | undefined, r: ResolvedRequest, hide?: GenerationRequest['mask']): Float32Array {
  const plane = r.width * r.height;
  const x = new Float32Array(3 * plane);
  if (!image) return x;
  const resized = image.width === r.width && image.height === r.height ? image : resizeRgb(image, r.width, r.height);
  for (let p = 0; p < plane; p++) {
    if (hide) {
      const mx = Math.min(hide.width - 1, Math.floor((((p % r.width) + 0.5) * hide.width) / r.width));
      const my = Math.min(hide.height - 1, Math.floor(((Math.floor(p / r.width) + 0.5) * hide.height) / r.height));
      if (hide.data[my * hide.width + mx]! >= 128) continue;
    }
    for (let c = 0; c < 3; c++) x[c * plane + p] = resized.data[p * 3 + c]! / 127.5 - 1;
  }
  return x;
}

/** The share of each latent cell's pixels that the mask covers (0..1). */
function areaMask(mask: { width: number; height: number; data: Uint8Array }, lw: number, lh: number): Float32Array {
  const small = new Float32Array(lw * lh);
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) {
      const x0 = Math.floor((x * mask.width) / lw);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * mask.width) / lw));
      const y0 = Math.floor((y * mask.height) / lh);
      const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * mask.height) / lh));
      let sum = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += mask.data[yy * mask.width + xx]!;
      small[y * lw + x] = sum / (255 * (x1 - x0) * (y1 - y0));
    }
  }
  return small;
}

/**
 * A pixel mask at the latent size (area average), grown by one latent pixel and softened, so the
 * repainted part blends into what is kept: 1 repaint, 0 keep.
 */
export function latentMask(mask: { width: number; height: number; data: Uint8Array }, lw: number, lh: number): Float32Array {
  const small = areaMask(mask, lw, lh);
  // Grown by one pixel (the largest neighbour), then softened (a 3×3 mean), within 0..1.
  const at = (a: Float32Array, x: number, y: number) => a[Math.min(lh - 1, Math.max(0, y)) * lw + Math.min(lw - 1, Math.max(0, x))]!;
  const grown = new Float32Array(lw * lh);
  for (let y = 0; y < lh; y++) for (let x = 0; x < lw; x++) {
    let m = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m = Math.max(m, at(small, x + dx, y + dy));
    grown[y * lw + x] = m;
  }
  const soft = new Float32Array(lw * lh);
  for (let y = 0; y < lh; y++) for (let x = 0; x < lw; x++) {
    let s = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) s += at(grown, x + dx, y + dy);
    // A fully kept or fully repainted neighbourhood stays exactly 0 or 1.
    soft[y * lw + x] = Math.min(1, Math.max(0, s / 9));
  }
  return soft;
}

/** Inpainting after a step: outside the mask the latents go back to the start picture, noised to the next step (clean after the last). */
function keepUnmasked(latents: Float32Array[], inpaint: NonNullable<PreparedLatents['inpaint']>, schedulers: Scheduler[], next: number | undefined): void {
  const { mask } = inpaint;
  const plane = mask.length;
  for (let i = 0; i < latents.length; i++) {
    const ref = next === undefined ? inpaint.known[i]! : schedulers[i]!.addNoise(inpaint.known[i]!, inpaint.noise[i]!, next);
    const x = latents[i]!;
    for (let k = 0; k < x.length; k++) {
      const m = mask[k % plane]!;
      if (m < 1) x[k] = Math.fround(m * x[k]! + (1 - m) * ref[k]!);
    }
  }
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
