import type { NsfwPolicy } from '../core/safety.js';
import type { SchedulerName } from './schedulers/types.js';

/** 8-bit RGB pixels, row-major, 3 bytes a pixel. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface GenerationRequest {
  prompt: string;
  negativePrompt?: string;
  /** Image i of the batch uses seed + i, so any one image can be made again alone. Random when omitted. */
  seed?: number;
  steps?: number;
  /** Classifier-free guidance scale; 1 or less turns guidance off (for LCM it is the guidance embedding's w + 1). */
  guidance?: number;
  width?: number;
  height?: number;
  batch?: number;
  scheduler?: SchedulerName;
  /** Karras sigmas on or off (the scheduler's use_karras_sigmas; on only for samplers that have them in diffusers); the model's config when undefined. */
  karras?: boolean;
  /** img2img: start from this picture (resized to width×height when it differs). */
  initImage?: RgbImage;
  /** img2img: how far from the input to wander, 0..1. */
  strength?: number;
  /**
   * Inpainting (with initImage): which part to repaint, one byte a pixel at the request's size
   * (255 repaint, 0 keep). Outside it every step's latents are put back to the noised start
   * picture, through a soft, slightly grown edge, so only the masked part changes.
   */
  mask?: { width: number; height: number; data: Uint8Array };
  /**
   * Live previews: after a step (not the last) at least `everyMs` after the previous preview
   * (0: every step; the first comes once the job has run min(everyMs, 0.5 s)), onStep gets the
   * pictures the job is heading for, in a grid of tiles at most `tile` pixels a side (default 128).
   */
  preview?: {
    everyMs: number;
    tile?: number;
    /** A preview the safety classifier flags under this policy is not shown (the result is checked again at the end). */
    safety?: { policy: NsfwPolicy; threshold: number; ageRestricted: boolean };
  };
  onStep?: (step: number, total: number, preview?: RgbImage) => void;
  signal?: AbortSignal;
}

export interface GeneratedImage extends RgbImage {
  seed: number;
}

export interface StageTiming {
  ms: number;
  runs: number;
}

export interface GenerationResult {
  images: GeneratedImage[];
  model: string;
  steps: number;
  scheduler: SchedulerName;
  guidance: number;
  width: number;
  height: number;
  /** Things the user may want to know, e.g. that a prompt was truncated. */
  warnings: string[];
  timings: {
    wallMs: number;
    /** Time spent inside session.run, by stage (text_encoder, unet, vae_decoder, vae_encoder). */
    stages: Record<string, StageTiming>;
  };
}

export class GenerationCancelledError extends Error {
  override name = 'GenerationCancelledError';
  constructor() {
    super('generation cancelled');
  }
}
