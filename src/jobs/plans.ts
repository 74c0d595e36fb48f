/**
 * What a button under a result makes: U1–U4 / Upscale 2×·4× an upscale, V1–V4 / Vary a grid of
 * variations, 🔄 the same prompt with new seeds, Zoom Out a zoomed-out grid. Everything comes from
 * the button id and the stored job, so clicks work after a restart.
 */
import type { ButtonRef } from '../core/buttons.js';
import type { JobKind, JobParams, JobRecord } from '../core/jobs.js';
import { randomSeed } from '../core/parameters.js';
import { GRID_SIZE } from './submit.js';

export const VARY_STRENGTH = { strong: 0.75, subtle: 0.35 } as const;
/** How much of a zoomed-out canvas img2img may repaint. */
export const ZOOM_STRENGTH = 0.6;

/** A fresh copy of the generation settings, without what belongs to the source job's own kind. */
function baseParams(job: JobRecord): JobParams {
  const { source: _source, strength: _strength, factor: _factor, outputSize: _outputSize, ...rest } = job.params;
  return { ...rest };
}

/** The kind and parameters of the job a click on `ref` under `job` starts. */
export function planFromButton(ref: ButtonRef, job: JobRecord): { kind: JobKind; params: JobParams } {
  const base = baseParams(job);
  const source = { jobId: job.id, index: ref.index };
  switch (ref.action) {
    case 'up': {
      const factor = ref.variant === '4' ? 4 : 2;
      // The source image is the job's output (an upscale's is larger than its generation size).
      const from = job.output ?? job.params.outputSize ?? job.params;
      const outputSize = { width: from.width * factor, height: from.height * factor };
      return { kind: 'upscale', params: { ...base, count: 1, seed: job.output?.seeds[ref.index] ?? base.seed, source, factor, outputSize } };
    }
    case 'var': {
      const strength = ref.variant === 'subtle' ? VARY_STRENGTH.subtle : VARY_STRENGTH.strong;
      return { kind: 'variation', params: { ...base, count: GRID_SIZE, seed: randomSeed(), source, strength } };
    }
    case 'cx':
    case 'nf':
    case 'del':
    case 'set':
      throw new Error(`the ${ref.action} button makes no job`);
    case 'zo':
      return { kind: 'zoom', params: { ...base, count: GRID_SIZE, seed: randomSeed(), source, strength: ZOOM_STRENGTH } };
    case 'rr':
      // A grid of variations re-rolls as variations of the same image; anything else as a new grid.
      if (job.kind === 'variation' || job.kind === 'zoom') {
        return { kind: job.kind, params: { ...job.params, count: GRID_SIZE, seed: randomSeed() } };
      }
      return { kind: 'imagine', params: { ...base, count: GRID_SIZE, seed: randomSeed() } };
  }
}
