import type { Language } from './i18n.js';
import type { Delivery, Requester } from './invocation.js';
import type { NsfwPolicy } from './safety.js';
import type { SchedulerName } from './samplers.js';

/**
 * imagine: a text-to-image grid (🔄 re-roll is an imagine with new seeds).
 * variation: img2img of one image of an earlier job (V1–V4, Vary Strong/Subtle).
 * upscale: one image of an earlier job, enlarged (U1–U4 at 2×, Upscale 2×/4× on a single image).
 * zoom: one image shrunk onto a larger canvas and the border painted in (Zoom Out).
 */
export type JobKind = 'imagine' | 'variation' | 'upscale' | 'zoom';

export type PanDirection = 'left' | 'right' | 'up' | 'down';

/** Where the source goes in a zoom job's canvas (its size is the job's width×height). */
export interface Outpaint {
  /** What the user asked for, for the status line. */
  mode: 'zoom' | 'pan' | 'square';
  /** Zoom Out factor (1–2). */
  zoom?: number;
  pan?: PanDirection;
  /** The source, resized to this, at (left, top). */
  inner: { left: number; top: number; width: number; height: number };
}
export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export const FINISHED_STATUSES: readonly JobStatus[] = ['done', 'failed', 'cancelled'];

/** Everything needed to make a job's images again; resolved (no defaults left) before submit. */
export interface JobParams {
  prompt: string;
  negativePrompt: string;
  /** Model name from the catalog (folder name under models/ unless its imagine.json names it). */
  model: string;
  /** Image i uses seed + i. */
  seed: number;
  steps: number;
  guidance: number;
  width: number;
  height: number;
  scheduler?: SchedulerName;
  /** A link to the message the source image was shown in (a made-from link under the result). */
  origin?: string;
  /** The requester's private mode was on: the job's messages are for them alone. */
  private?: boolean;
  /** The languages of the job's messages: the server's for public ones, the requester's for private ones (English when absent). */
  languages?: { server: Language; user: Language };
  /**
   * Zoom jobs: how the source sits in the new canvas, which img2img paints around it and the
   * source is pasted back into (zoom factor, a pan direction, or made square).
   */
  outpaint?: Outpaint;
  /**
   * Vary (Region): the part of the source to repaint, as fractions of its width and height (for a
   * drawn area its bounding box, with the drawn cells: src/core/drawn-region.ts); the rest is kept.
   */
  region?: { left: number; top: number; width: number; height: number; name: string; label?: string; cells?: string };
  /** Karras sigmas (diffusers' use_karras_sigmas) with a sampler that has them. */
  karras?: boolean;
  /** How many images the job makes: 4 for a grid, 1 for an upscale. */
  count: number;
  /** The image a variation, upscale or zoom starts from. */
  source?: { jobId: string; index: number };
  /** img2img strength for variations and zoom. */
  strength?: number;
  /** 2 or 4 for upscale jobs. */
  factor?: 2 | 4;
  /** Upscale jobs: the size the job makes (its source image × factor), checked before it is queued. */
  outputSize?: { width: number; height: number };
  /** Aspect ratio as the user typed it (e.g. '16:9'), for display. */
  aspectRatio?: string;
  /** The server's image safety policy when the job was asked for, and whether its channel is age-restricted. */
  safety?: { policy: NsfwPolicy; threshold: number; ageRestricted: boolean };
  /** The server's `previews` limit when the job was asked for: whether its status shows the pictures as they form. */
  previews?: boolean;
  /** A picture the user gave to start from (an image prompt): its image-store key, fitted to the job's size, and the img2img strength. */
  init?: { image: string; strength: number };
}

/**
 * What jobs must have in common to share UNet calls (cross-job batching): text-to-image grids of
 * the same model, size, sampler, schedule and steps. Undefined for a job that runs alone.
 */
export function batchKeyOf(job: Pick<JobRecord, 'kind' | 'params'>): string | undefined {
  const p = job.params;
  if (job.kind !== 'imagine' || p.init) return undefined;
  return JSON.stringify([p.model, p.width, p.height, p.scheduler ?? '', p.karras ?? null, p.steps]);
}

export interface JobRecord extends Requester {
  id: string;
  kind: JobKind;
  params: JobParams;
  status: JobStatus;
  /** Scheduling class; higher runs first. 0 for everyone today (room for admin-configured classes). */
  priority: number;
  /** Images counted against quotas (refunded when the job fails or is cancelled). */
  cost: number;
  /** Its weight in the fair order (fairWeight); 1 for jobs stored before weights. */
  weight?: number;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  /** Runs started, for retry-once after a crash. */
  attempts: number;
  /** Set when done. */
  output?: JobOutput;
  /** Set when failed: a message meant for the user. */
  error?: string;
  /** Set when the image safety check flagged a result: for the server's moderation log. */
  moderation?: JobModeration;
  delivery?: Delivery;
}

/** What the image safety check found: the verdict, the highest unsafe score, and the flagged pictures (ImageStore keys). */
export interface JobModeration {
  verdict: 'block' | 'spoiler';
  unsafe: number;
  images: string[];
}

/** What a runner leaves behind; image references are ImageStore keys. */
export interface JobOutput {
  images: string[];
  seeds: number[];
  /** The 2×2 grid for jobs of several images. */
  grid?: string;
  /** What chat shows: the grid, or an enlarged copy of a small single image, or images[0]. */
  preview: string;
  previewWidth: number;
  previewHeight: number;
  width: number;
  height: number;
  warnings?: string[];
  /** The safety check flagged it and the server's policy is spoiler: shown hidden until opened. */
  spoiler?: boolean;
  /** Milliseconds spent generating (for metrics). */
  generationMs?: number;
  /** Worker time the job took (its run, or its share of a batch), what daily_server_gpu_seconds counts; generationMs when absent. */
  workerMs?: number;
}

/** The fields a command fills; the queue adds id, status, timestamps. */
export interface JobSubmission extends Requester {
  /** The id to give the job (when something was stored under it before submitting); a new one otherwise. */
  id?: string;
  kind: JobKind;
  /** Admins may cancel others' jobs; limits still apply to them. */
  isServerAdmin: boolean;
  params: JobParams;
  delivery?: Delivery;
  priority?: number;
}

export type JobEvent =
  | { type: 'queued'; jobId: string; position: number }
  | { type: 'started'; jobId: string }
  /** preview: the image-store key of the pictures as they are at this step (a small WebP), when previews are on. */
  | { type: 'progress'; jobId: string; step: number; total: number; preview?: string }
  | { type: 'done'; jobId: string }
  | { type: 'failed'; jobId: string; message: string }
  | { type: 'cancelled'; jobId: string };

/** The events that end a job: nothing follows them. */
export function isFinalEvent(event: Pick<JobEvent, 'type'>): event is Extract<JobEvent, { type: 'done' | 'failed' | 'cancelled' }> {
  return event.type === 'done' || event.type === 'failed' || event.type === 'cancelled';
}
