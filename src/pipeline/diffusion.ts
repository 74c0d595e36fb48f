import type * as ort from 'onnxruntime-node';
import { loadModel, RequestError, type LoadedModel, type ModelInfo } from './model.js';
import { readFloat, RunTimer, type SessionOptions } from './onnx-session.js';
import { createTorchGenerator, type TorchGenerator } from './random.js';
import { createScheduler, SCHEDULER_NAMES } from './schedulers/index.js';
import type { Scheduler, SchedulerName } from './schedulers/types.js';
import { chunksFor, encodePrompt, zerosLike, type TextConditioning } from './text-conditioning.js';
import { resizeRgb } from './rgb.js';
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
  if (!int(r.seed) || r.seed < 0 || r.seed > MAX_SEED) throw new RequestError(`seed must be a whole number from 0 to ${MAX_SEED}`);
  if (!int(r.steps) || r.steps < 1 || r.steps > l.maxSteps) throw new RequestError(`steps must be a whole number from 1 to ${l.maxSteps} for ${info.name}`);
  if (!Number.isFinite(r.guidance) || r.guidance < 0 || r.guidance > 30) throw new RequestError('guidance must be between 0 and 30');
  if (!int(r.batch) || r.batch < 1 || r.batch > l.maxBatch) throw new RequestError(`batch must be from 1 to ${l.maxBatch} for ${info.name}`);
  if (!SCHEDULER_NAMES.includes(r.scheduler)) throw new RequestError(`unknown sampler '${r.scheduler}'; use one of ${SCHEDULER_NAMES.join(', ')}`);
  if (!(r.strength > 0 && r.strength <= 1)) throw new RequestError('strength must be more than 0 and at most 1');
  if (l.fixedSize) {
    if (r.width !== l.fixedSize.width || r.height !== l.fixedSize.height) {
      throw new RequestError(`${info.name} only makes ${l.fixedSize.width}×${l.fixedSize.height} images`);
    }
  } else {
    for (const [name, v] of [['width', r.width], ['height', r.height]] as const) {
      if (!int(v) || v % 8 !== 0) throw new RequestError(`${name} must be a multiple of 8 (got ${v})`);
      if (v < l.minSize || v > l.maxSize) throw new RequestError(`${name} must be from ${l.minSize} to ${l.maxSize} for ${info.name}`);
    }
    if (r.width * r.height > l.maxPixels) throw new RequestError(`${r.width}×${r.height} is larger than ${info.name} allows (${l.maxPixels} pixels)`);
  }
  if (req.initImage && !info.canImg2Img) throw new RequestError(`${info.name} has no VAE encoder, so it cannot start from an image`);
  return r;
}

function roundTo8(v: number): number {
  return Math.max(8, Math.round(v / 8) * 8);
}

/** diffusers' get_guidance_scale_embedding, the LCM UNet's timestep_cond. */
export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const scale = Math.log(10000) / (half - 1);
  for (let i = 0; i < half; i++) {
    const v = w * 1000 * Math.exp(-scale * i);
    out[i] = Math.sin(v);
    out[half + i] = Math.cos(v);
  }
  return out;
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) throw new GenerationCancelledError();
}

/** Lets messages (a cancel, say) reach a worker thread between steps. */
const yieldToEventLoop = () => new Promise<void>((r) => setImmediate(r));

interface UnetEntry {
  image: number;
  cond: TextConditioning;
  uncond: boolean;
}

/**
 * Text-to-image and image-to-image over one loaded model folder, in the calling thread.
 * Use loadPipeline (worker.ts) to keep the event loop free.
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

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    const started = performance.now();
    const r = resolveRequest(this.model.info, request);
    const { model } = this;
    const info = model.info;
    const timer = new RunTimer();
    const warnings: string[] = [];
    const isLcm = info.family === 'lcm' || info.family === 'lcm-sdxl';
    const doCfg = r.guidance > 1 && !isLcm;
    throwIfCancelled(request.signal);

    const { chunks, truncated } = chunksFor(model, [r.prompt, r.negativePrompt]);
    if (truncated) warnings.push(`the prompt was cut to ${chunks * 75} tokens, the most this model takes`);
    const cond = await encodePrompt(model, r.prompt, chunks, timer);
    let uncond: TextConditioning | undefined;
    if (doCfg) {
      const zeros = info.family === 'sdxl' && r.negativePrompt === '' && !info.turbo;
      uncond = zeros ? zerosLike(cond) : await encodePrompt(model, r.negativePrompt, chunks, timer);
    }

    const lh = r.height / info.vaeScaleFactor;
    const lw = r.width / info.vaeScaleFactor;
    const latentShape = [1, info.latentChannels, lh, lw];
    const latentSize = info.latentChannels * lh * lw;

    const generators: TorchGenerator[] = [];
    const schedulers: Scheduler[] = [];
    const latents: Float32Array[] = [];
    let timesteps: number[] = [];
    let initLatents: Float32Array | undefined;
    if (request.initImage) initLatents = await this.encodeImage(request.initImage, r, timer);
    for (let i = 0; i < r.batch; i++) {
      const gen = createTorchGenerator(r.seed + i);
      const scheduler = createScheduler(r.scheduler, info.schedulerConfig);
      if (initLatents) {
        timesteps = scheduler.setTimestepsForStrength(r.steps, r.strength);
        if (timesteps.length === 0) throw new RequestError('strength is too low for this number of steps: nothing would change');
        const start = this.model.io.vaeEncoderKind === 'parameters' ? this.samplePosterior(initLatents, gen, latentShape) : scaleBy(initLatents, info.vaeScalingFactor);
        const noise = gen.randn(latentShape);
        latents.push(scheduler.addNoise(start, noise, timesteps[0]!));
      } else {
        scheduler.setTimesteps(r.steps);
        timesteps = scheduler.timesteps;
        const noise = gen.randn(latentShape);
        if (scheduler.initNoiseSigma !== 1) for (let k = 0; k < noise.length; k++) noise[k]! *= scheduler.initNoiseSigma;
        latents.push(noise);
      }
      generators.push(gen);
      schedulers.push(scheduler);
    }

    const entries: UnetEntry[] = [];
    for (let i = 0; i < r.batch; i++) {
      if (uncond) entries.push({ image: i, cond: uncond, uncond: true });
      entries.push({ image: i, cond, uncond: false });
    }
    const total = timesteps.length;
    const timestepCond = isLcm ? guidanceEmbedding(r.guidance - 1, Number(model.unet.input('timestep_cond')?.shape[1] ?? 256)) : undefined;

    for (let step = 0; step < total; step++) {
      throwIfCancelled(request.signal);
      const t = timesteps[step]!;
      const inputs = latents.map((l, i) => schedulers[i]!.scaleModelInput(l, t));
      const preds = await this.runUnet(entries, inputs, t, latentSize, [info.latentChannels, lh, lw], r, timestepCond, timer);
      for (let i = 0; i < r.batch; i++) {
        let noisePred: Float32Array;
        if (doCfg) {
          const u = preds[2 * i]!;
          const c = preds[2 * i + 1]!;
          noisePred = new Float32Array(latentSize);
          for (let k = 0; k < latentSize; k++) noisePred[k] = u[k]! + r.guidance * (c[k]! - u[k]!);
        } else {
          noisePred = preds[i]!;
        }
        latents[i] = schedulers[i]!.step(noisePred, t, latents[i]!, generators[i]).prevSample;
      }
      request.onStep?.(step + 1, total);
      await yieldToEventLoop();
    }
    throwIfCancelled(request.signal);

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

  /** Runs the UNet over every (image, prompt) entry, in as few calls as its batch axis allows. */
  private async runUnet(
    entries: UnetEntry[],
    inputs: Float32Array[],
    t: number,
    latentSize: number,
    chw: number[],
    r: ResolvedRequest,
    timestepCond: Float32Array | undefined,
    timer: RunTimer,
  ): Promise<Float32Array[]> {
    const { unet } = this.model;
    const fixed = unet.fixedDim('sample', 0);
    const groupSize = fixed ?? entries.length;
    const out: Float32Array[] = [];
    for (let start = 0; start < entries.length; start += groupSize) {
      const group = entries.slice(start, start + groupSize);
      // A fixed batch larger than what is left is filled with copies of the last entry.
      while (group.length < groupSize) group.push(group[group.length - 1]!);
      const b = group.length;
      const sample = new Float32Array(b * latentSize);
      group.forEach((e, k) => sample.set(inputs[e.image]!, k * latentSize));
      const c0 = group[0]!.cond;
      const hidden = new Float32Array(b * c0.hidden.length);
      group.forEach((e, k) => hidden.set(e.cond.hidden, k * c0.hidden.length));
      const feeds: Record<string, ort.Tensor> = {
        sample: unet.floatTensor('sample', sample, [b, ...chw]),
        encoder_hidden_states: unet.floatTensor('encoder_hidden_states', hidden, [b, c0.seqLen, c0.dim]),
      };
      const tsRank = unet.input('timestep')?.shape.length ?? 1;
      feeds.timestep = tsRank === 0 ? unet.numberTensor('timestep', [t], []) : unet.numberTensor('timestep', group.map(() => t), [b]);
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
        // SDXL micro-conditioning: original size, crop top-left, target size.
        const ids = [r.height, r.width, 0, 0, r.height, r.width];
        feeds.time_ids = unet.floatTensor('time_ids', Float32Array.from(group.flatMap(() => ids)), [b, 6]);
      }
      const result = await unet.run(feeds, [this.model.io.unetOut], timer, 'unet');
      const pred = readFloat(result[this.model.io.unetOut]!).data;
      const real = Math.min(groupSize, entries.length - start);
      for (let k = 0; k < real; k++) out.push(pred.slice(k * latentSize, (k + 1) * latentSize));
    }
    return out;
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
    const out = readFloat(result[this.model.io.vaeEncoderOut!]!).data;
    return Float32Array.from(out);
  }

  /** diffusers' DiagonalGaussianDistribution.sample(generator): mean + exp(logvar/2)·noise, scaled. */
  private samplePosterior(parameters: Float32Array, gen: TorchGenerator, latentShape: number[]): Float32Array {
    const info = this.model.info;
    const n = parameters.length / 2;
    const noise = gen.randn(latentShape);
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const logvar = Math.min(20, Math.max(-30, parameters[n + k]!));
      out[k] = (parameters[k]! + Math.exp(0.5 * logvar) * noise[k]!) * info.vaeScalingFactor;
    }
    return out;
  }

  private async decode(latents: Float32Array[], r: ResolvedRequest, lh: number, lw: number, timer: RunTimer): Promise<GeneratedImage[]> {
    const { vaeDecoder, info } = this.model;
    const images: GeneratedImage[] = [];
    for (let i = 0; i < latents.length; i++) {
      const scaled = Float32Array.from(latents[i]!, (v) => v / info.vaeScalingFactor);
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

function scaleBy(v: Float32Array, k: number): Float32Array {
  return Float32Array.from(v, (x) => x * k);
}

/** VAE output in [-1, 1], CHW, to 8-bit RGB. */
function toRgb(chw: Float32Array, width: number, height: number): RgbImage {
  const plane = width * height;
  const data = new Uint8Array(plane * 3);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = (chw[c * plane + p]! / 2 + 0.5) * 255;
      data[p * 3 + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return { width, height, data };
}
