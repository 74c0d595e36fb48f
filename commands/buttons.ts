/**
 * The buttons under a result (U1–U4, V1–V4, 🔄, Vary, Upscale, Zoom Out) and ✖ Cancel under a
 * status: the click's button id names the job and what to do; src/jobs/plans.ts says what job a
 * result's button makes.
 */
import { decodeButtonId } from '../src/core/buttons.js';
import { UserError } from '../src/core/errors.js';
import type { CommandOutcome, Invocation } from '../src/core/invocation.js';
import { planFromButton } from '../src/jobs/plans.js';
import { submitJob } from '../src/jobs/submit.js';
import { cancelJob } from './cancel.js';
import { deleteResult, recipeReply } from './recipe.js';
import type { Services } from '../src/services.js';

export async function handleButton(inv: Invocation, services: Services): Promise<CommandOutcome> {
  const id = inv.options.id;
  const ref = typeof id === 'string' ? decodeButtonId(id) : undefined;
  if (!ref) throw new UserError('This button is no longer valid.', 'button');
  const job = await services.jobs.get(ref.jobId);
  // Retention deletes a job with its images; a made-up id reads the same.
  const days = services.config.IMAGE_RETENTION_DAYS;
  if (!job) throw new UserError(`This image is no longer available${days > 0 ? ` (images are kept ${days} days)` : ''}.`, 'button');
  if (job.serverId !== inv.serverId) throw new UserError('This button belongs to an image made in another server.', 'button');
  if (ref.action === 'cx') return cancelJob(inv, services, job.id);
  if (job.status !== 'done' || !job.output) throw new UserError('That job has not finished yet.', 'button');
  if (ref.action === 'nf') return recipeReply(job);
  if (ref.action === 'del') return deleteResult(inv, services, job);
  const { kind, params } = planFromButton(ref, job);
  if (params.source) {
    const key = job.output.images[params.source.index];
    if (key === undefined) throw new UserError(`This job has no image #${params.source.index + 1}.`, 'button');
    if (!(await services.images.has(key))) {
      throw new UserError(`This image has expired (images are kept ${services.config.IMAGE_RETENTION_DAYS} days). Run the prompt again with its seed to get it back.`, 'expired');
    }
  }
  return submitJob(inv, services, kind, params);
}
