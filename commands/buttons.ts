/**
 * The buttons under a result: U1–U4 / Upscale 2×·4×, V1–V4 / Vary (Strong·Subtle), 🔄 and Zoom Out.
 * Everything comes from the button id and the stored job, so clicks work after a restart.
 */
import type { Services } from '../src/core/command.js';
import { decodeButtonId, type ButtonRef } from '../src/core/buttons.js';
import { UserError, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { JobKind, JobParams, JobRecord } from '../src/core/jobs.js';
import { GRID_SIZE, randomSeed, submitJob } from './imagine.js';

export const VARY_STRENGTH = { strong: 0.75, subtle: 0.35 } as const;
/** How much of a zoomed-out canvas img2img may repaint. */
export const ZOOM_STRENGTH = 0.6;

/** A fresh copy of the generation settings, without what belongs to the source job's own kind. */
function baseParams(job: JobRecord): JobParams {
  const { source: _source, strength: _strength, factor: _factor, ...rest } = job.params;
  return { ...rest };
}

async function usableSource(job: JobRecord, index: number, services: Services): Promise<void> {
  const key = job.output?.images[index];
  if (key === undefined) throw new UserError(`This job has no image #${index + 1}.`);
  if (!(await services.images.has(key))) {
    throw new UserError(`This image has expired (images are kept ${services.config.IMAGE_RETENTION_DAYS} days). Run the prompt again with its seed to get it back.`);
  }
}

function plan(ref: ButtonRef, job: JobRecord): { kind: JobKind; params: JobParams } {
  const base = baseParams(job);
  const source = { jobId: job.id, index: ref.index };
  switch (ref.action) {
    case 'up': {
      const factor = ref.variant === '4' ? 4 : 2;
      return { kind: 'upscale', params: { ...base, count: 1, seed: job.output?.seeds[ref.index] ?? base.seed, source, factor } };
    }
    case 'var': {
      const strength = ref.variant === 'subtle' ? VARY_STRENGTH.subtle : VARY_STRENGTH.strong;
      return { kind: 'variation', params: { ...base, count: GRID_SIZE, seed: randomSeed(), source, strength } };
    }
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

export async function handleButton(inv: Invocation, services: Services): Promise<CommandOutcome> {
  const id = inv.options.id;
  const ref = typeof id === 'string' ? decodeButtonId(id) : undefined;
  if (!ref) throw new UserError('This button is no longer valid.');
  const job = await services.jobs.get(ref.jobId);
  if (!job) throw new UserError('This image is no longer available.');
  if (job.serverId !== inv.serverId) throw new UserError('This button belongs to an image made in another server.');
  if (job.status !== 'done' || !job.output) throw new UserError('That job has not finished yet.');
  const { kind, params } = plan(ref, job);
  if (params.source) await usableSource(job, ref.index, services);
  if (kind === 'upscale') {
    const limits = await services.settings.get(inv.serverId);
    if (!limits.upscale_allowed) throw new UserError('Upscaling is turned off on this server.');
  }
  return submitJob(inv, services, kind, params);
}
