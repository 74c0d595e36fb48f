/**
 * What a model can make, and the one check of a request against it. A model folder is read once
 * (model-folder.ts) into ModelCapabilities; the /imagine command sizes requests with them,
 * admission refuses what a model or a server cannot do, and the pipeline checks again before it
 * runs anything, all with the same function and the same messages.
 */
import { UserError } from '../core/errors.js';
import { md } from '../core/markup.js';
import { MAX_GUIDANCE, MAX_SEED } from '../core/parameters.js';
import { SCHEDULER_NAMES, isSchedulerName, type SchedulerName } from '../core/samplers.js';
import { createScheduler, schedulerNameFromClass } from './schedulers/index.js';
import type { SchedulerConfig } from './schedulers/types.js';

/** SD 1.x/2.x (incl. SD-Turbo) share one path; SDXL adds a second encoder and micro-conditioning. */
export type ModelFamily = 'sd1' | 'sd2' | 'sdxl' | 'lcm' | 'lcm-sdxl';

export interface GenerationDefaults {
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler: SchedulerName;
}

export interface ModelLimits {
  minSize: number;
  maxSize: number;
  /** Largest width×height in pixels. */
  maxPixels: number;
  maxSteps: number;
  /** Images one job may make. */
  maxBatch: number;
  /** Set when the export has a fixed sample size (or imagine.json declares one): then only this size is possible. */
  fixedSize?: { width: number; height: number };
}

export interface ModelCapabilities {
  name: string;
  description?: string;
  family: ModelFamily;
  turbo: boolean;
  defaults: GenerationDefaults;
  limits: ModelLimits;
  /** Has a VAE encoder: variations, zoom and image prompts work. */
  canImg2Img: boolean;
  /** An inpainting export (UNet with 9 input channels). */
  canInpaint: boolean;
  /** Pixels per latent cell: width and height come in multiples of it. */
  vaeScaleFactor: number;
  schedulerConfig: SchedulerConfig;
}

/** Steps, guidance, size and sampler a model family works best with when its imagine.json says nothing. */
export function defaultsFor(m: { turbo: boolean; lcm: boolean; sdxl: boolean; schedulerClass: string; width: number; height: number }): GenerationDefaults {
  const size = { width: m.width, height: m.height };
  const classScheduler = schedulerNameFromClass(m.schedulerClass) ?? 'euler';
  if (m.turbo) return { steps: 1, guidance: 0, ...size, scheduler: 'euler-a' };
  if (m.lcm) return { steps: 4, guidance: 8, ...size, scheduler: 'lcm' };
  // An LCM-LoRA merged into an ordinary UNet: few steps, guidance off.
  if (classScheduler === 'lcm') return { steps: 4, guidance: 1, ...size, scheduler: 'lcm' };
  return { steps: 25, guidance: m.sdxl ? 5 : 7, ...size, scheduler: classScheduler };
}

/** What a job asks the model to make, with every default filled in. */
export interface GenerationCheck {
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  /** Images in the job. */
  count: number;
  scheduler: SchedulerName;
  /** Set when it starts from an image (img2img). */
  strength?: number;
}

/** A server's own ceilings, when they are lower than the model's. */
export interface ServerCeilings {
  maxSteps?: number;
  maxPixels?: number;
}

const exampleSide = (pixels: number) => {
  const side = Math.floor(Math.sqrt(pixels) / 8) * 8;
  return `${side}×${side}`;
};

/** Refuses, with the user's message, a generation the model (or the server) cannot make. */
export function checkGeneration(model: ModelCapabilities, g: GenerationCheck, server: ServerCeilings = {}): void {
  const l = model.limits;
  const name = model.name;
  const int = Number.isInteger;
  if (!int(g.seed) || g.seed < 0 || g.seed > MAX_SEED) throw new UserError(md`The seed must be a whole number from 0 to ${MAX_SEED}.`, 'seed');
  if (!int(g.count) || g.count < 1 || g.count > l.maxBatch) {
    throw new UserError(md`The model \`${name}\` makes 1 to ${l.maxBatch} images at a time (asked for ${g.count}).`, 'count');
  }
  if (g.seed + g.count - 1 > MAX_SEED) throw new UserError(md`The seed must be at most ${MAX_SEED - g.count + 1} for ${g.count} images.`, 'seed');
  const maxSteps = Math.min(server.maxSteps ?? Infinity, l.maxSteps);
  if (!int(g.steps) || g.steps < 1) throw new UserError(md`Steps must be a whole number from 1 to ${maxSteps}.`, 'steps');
  if (g.steps > maxSteps) {
    const who = (server.maxSteps ?? Infinity) <= l.maxSteps ? md`this server allows` : md`the model \`${name}\` allows`;
    throw new UserError(md`${g.steps} steps is more than ${who} (at most ${maxSteps}); try \`--steps ${maxSteps}\`.`, 'steps');
  }
  if (!Number.isFinite(g.guidance) || g.guidance < 0 || g.guidance > MAX_GUIDANCE) {
    throw new UserError(md`Guidance (cfg) must be a number from 0 to ${MAX_GUIDANCE}.`, 'guidance');
  }
  if (!isSchedulerName(g.scheduler)) throw new UserError(md`Unknown sampler \`${String(g.scheduler)}\`; the samplers are ${SCHEDULER_NAMES.join(', ')}.`, 'sampler');

  const size = `${g.width}×${g.height}`;
  if (l.fixedSize) {
    if (g.width !== l.fixedSize.width || g.height !== l.fixedSize.height) {
      throw new UserError(md`The model \`${name}\` only makes ${l.fixedSize.width}×${l.fixedSize.height} images (asked for ${size}).`, 'size');
    }
  } else {
    const m = model.vaeScaleFactor;
    if (!int(g.width) || !int(g.height) || g.width % m !== 0 || g.height % m !== 0) {
      throw new UserError(md`${size} is not a size \`${name}\` can make: width and height are multiples of ${m} pixels.`, 'size');
    }
    if (g.width < l.minSize || g.height < l.minSize || g.width > l.maxSize || g.height > l.maxSize) {
      throw new UserError(md`${size} is outside what \`${name}\` can make (each side from ${l.minSize} to ${l.maxSize} pixels).`, 'size');
    }
  }
  const pixels = g.width * g.height;
  if (server.maxPixels !== undefined && pixels > server.maxPixels) {
    throw new UserError(md`${size} is larger than this server allows (at most ${server.maxPixels} pixels, e.g. ${exampleSide(server.maxPixels)}).`, 'size');
  }
  if (!l.fixedSize && pixels > l.maxPixels) {
    throw new UserError(md`${size} is larger than \`${name}\` can make (at most ${l.maxPixels} pixels, e.g. ${exampleSide(l.maxPixels)}).`, 'size');
  }

  if (g.strength !== undefined) {
    if (!model.canImg2Img) throw new UserError(md`\`${name}\` has no VAE encoder, so it cannot start from an image.`, 'img2img');
    if (!(g.strength > 0 && g.strength <= 1)) throw new UserError('Strength must be more than 0 and at most 1.', 'strength');
  }
  // The sampler's own limits (LCM's 50 steps, a strength too low for the step count) are checked now, before any work.
  const probe = createScheduler(g.scheduler, model.schedulerConfig);
  try {
    const timesteps = g.strength !== undefined ? probe.setTimestepsForStrength(g.steps, g.strength) : (probe.setTimesteps(g.steps), probe.timesteps);
    if (timesteps.length === 0) throw new Error(`strength ${g.strength} is too low for ${g.steps} steps: nothing would change`);
  } catch (err) {
    throw new UserError(md`${(err as Error).message[0]!.toUpperCase()}${(err as Error).message.slice(1)}.`, 'steps');
  }
}

/**
 * Width and height for an aspect ratio at about the model's native pixel count, in multiples of
 * 64 for models of 512 pixels and more (8 below), within the model's side and pixel limits.
 */
export function sizeForAspectRatio(ratio: string, native: { width: number; height: number }, limits: Pick<ModelLimits, 'minSize' | 'maxSize' | 'maxPixels'>): { width: number; height: number } {
  const [w, h] = ratio.split(':').map(Number) as [number, number];
  const area = Math.min(native.width * native.height, limits.maxPixels);
  const multiple = Math.min(native.width, native.height) >= 512 ? 64 : 8;
  const round = (v: number) => Math.min(limits.maxSize, Math.max(limits.minSize, Math.max(multiple, Math.round(v / multiple) * multiple)));
  let width = round(Math.sqrt((area * w) / h));
  let height = round(Math.sqrt((area * h) / w));
  while (width * height > limits.maxPixels && width > multiple && height > multiple) {
    if (width >= height) width -= multiple;
    else height -= multiple;
  }
  return { width, height };
}

/** The size a request makes: the model's own, or its aspect ratio's; a fixed-size model refuses other ratios. */
export function sizeFor(model: ModelCapabilities, aspectRatio: string | undefined): { width: number; height: number } {
  const native = { width: model.defaults.width, height: model.defaults.height };
  if (!aspectRatio) return native;
  const fixed = model.limits.fixedSize;
  if (fixed) {
    const [w, h] = aspectRatio.split(':').map(Number) as [number, number];
    if (w * fixed.height !== h * fixed.width) {
      throw new UserError(md`\`${model.name}\` only makes ${fixed.width}×${fixed.height} images, so \`--ar ${aspectRatio}\` is not available with it.`, 'size');
    }
    return { width: fixed.width, height: fixed.height };
  }
  return sizeForAspectRatio(aspectRatio, native, model.limits);
}

/** Strength of the low-strength img2img pass after an upscale (the "hires fix"). */
export const REFINE_STRENGTH = 0.3;
/** The hires-fix pass never needs more steps than this. */
export const REFINE_MAX_STEPS = 20;

/**
 * The img2img pass that adds detail after an upscale to width×height, or undefined when the
 * model cannot work at that size (a fixed-size export, or past its limits).
 */
export function refineSettings(model: ModelCapabilities, width: number, height: number, steps: number): { steps: number; strength: number } | undefined {
  const l = model.limits;
  if (l.fixedSize || width * height > l.maxPixels || width > l.maxSize || height > l.maxSize || !model.canImg2Img) return undefined;
  return { steps: Math.min(steps, REFINE_MAX_STEPS), strength: REFINE_STRENGTH };
}
