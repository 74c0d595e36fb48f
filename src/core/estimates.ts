/**
 * How long jobs take, learnt from the jobs that ran: per model, the time of one denoising step
 * per unit of work (an image-megapixel, twice with classifier-free guidance) and the time around
 * the steps (encoding, decoding, the safety check, storing). Stored across restarts (the job
 * store), refined by every finished job, and used for the ETAs users see.
 */
import type { JobKind, JobParams } from './jobs.js';

export interface SpeedRecord {
  /** Milliseconds of one step per unit of work (generation), or per output megapixel (upscale). */
  msPerUnit: number;
  /** Milliseconds of a job outside its steps. */
  overheadMs: number;
  /** Jobs it was learnt from. */
  samples: number;
}

/** The weight of a new sample: recent jobs count most (a warmed-up model, another load on the machine). */
const NEW_SAMPLE_WEIGHT = 0.3;

/** Which record a job's speed is kept under: its model for generations, the upscalers for upscales. */
export function speedKey(kind: JobKind, params: Pick<JobParams, 'model'>): string {
  return kind === 'upscale' ? 'upscale' : `model:${params.model}`;
}

/** Work in one step of a generation, or in the whole of an upscale. */
export function workPerStep(kind: JobKind, p: Pick<JobParams, 'width' | 'height' | 'count' | 'guidance' | 'factor'>): number {
  if (kind === 'upscale') return ((p.width * (p.factor ?? 2)) * (p.height * (p.factor ?? 2))) / 1e6;
  return ((p.width * p.height) / 1e6) * p.count * (p.guidance > 1 ? 2 : 1);
}

/**
 * The most a job weighs in the fair order: a 512² grid of 50 steps with guidance weighs about
 * 1000, heavier jobs count as that. It keeps the Redis backend's BullMQ priorities exact (a class
 * spans 299 593 of them: tags may run 150 000 past the class base, plus 100 jobs of one server at
 * this weight).
 */
export const MAX_FAIR_WEIGHT = 1000;

/**
 * A job's weight in the fair order: the work of its steps (steps × image-megapixels, twice with
 * guidance, as the ETAs count it) in tenths, at least 1. Servers (and users) get equal shares of
 * this, not of job counts: a 50-step 1024² grid weighs as much as many 1-step 512² turbo images.
 */
export function fairWeight(kind: JobKind, p: Pick<JobParams, 'steps' | 'strength' | 'width' | 'height' | 'count' | 'guidance' | 'factor'>): number {
  return Math.min(MAX_FAIR_WEIGHT, Math.max(1, Math.round(stepsOf(kind, p) * workPerStep(kind, p) * 10)));
}

/** Denoising steps a job runs: img2img starts part of the way in. */
export function stepsOf(kind: JobKind, p: Pick<JobParams, 'steps' | 'strength'>): number {
  if (kind === 'upscale') return 1;
  return p.strength !== undefined && kind !== 'imagine' ? Math.max(1, Math.floor(p.steps * p.strength)) : p.steps;
}

/** A job's expected running time; undefined until its kind of job has run once. */
export function expectedMs(speed: SpeedRecord | undefined, kind: JobKind, p: JobParams): number | undefined {
  if (!speed) return undefined;
  return speed.overheadMs + stepsOf(kind, p) * workPerStep(kind, p) * speed.msPerUnit;
}

/** A finished job's timing as a sample: its steps' time (first to last progress) and its whole time. */
export function speedSample(kind: JobKind, p: JobParams, timing: { totalMs: number; stepMs?: number }): Omit<SpeedRecord, 'samples'> | undefined {
  const work = workPerStep(kind, p);
  if (!(work > 0) || !(timing.totalMs > 0)) return undefined;
  if (kind === 'upscale' || timing.stepMs === undefined) return { msPerUnit: timing.totalMs / (stepsOf(kind, p) * work), overheadMs: 0 };
  const steps = stepsOf(kind, p);
  return { msPerUnit: timing.stepMs / work, overheadMs: Math.max(0, timing.totalMs - steps * timing.stepMs) };
}

export function mergeSpeed(previous: SpeedRecord | undefined, sample: Omit<SpeedRecord, 'samples'>): SpeedRecord {
  if (!previous) return { ...sample, samples: 1 };
  const w = NEW_SAMPLE_WEIGHT;
  return {
    msPerUnit: previous.msPerUnit * (1 - w) + sample.msPerUnit * w,
    overheadMs: previous.overheadMs * (1 - w) + sample.overheadMs * w,
    samples: previous.samples + 1,
  };
}

/**
 * When a queued job starts: the running jobs end after their remaining times and the jobs ahead
 * of it (in the fair order) take the free slots one after another, each for its expected time.
 * Undefined when a time along the way is unknown.
 */
export function startsIn(running: readonly (number | undefined)[], ahead: readonly (number | undefined)[], slots: number): number | undefined {
  if (running.some((r) => r === undefined) || ahead.some((a) => a === undefined)) return undefined;
  const free = (running as number[]).map((r) => Math.max(0, r));
  while (free.length < slots) free.push(0);
  for (const d of ahead as number[]) {
    // The slot that frees first takes the next job.
    free.sort((a, b) => a - b);
    free[0]! += d;
  }
  return Math.min(...free);
}

/** `≈ 14 s`, `≈ 3 min`, `≈ 1 h 10 min`: how ETAs read. */
export function formatEta(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 90) return `≈ ${s} s`;
  const min = Math.round(s / 60);
  if (min < 90) return `≈ ${min} min`;
  return `≈ ${Math.floor(min / 60)} h ${min % 60} min`;
}
