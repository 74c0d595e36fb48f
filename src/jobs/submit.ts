/**
 * Turning a request into a job: the model it names, its parameters resolved against the model's
 * capabilities and the server's defaults, then the queue. /imagine and the buttons share it.
 */
import { UserError } from '../core/errors.js';
import type { Invocation, CommandOutcome } from '../core/invocation.js';
import type { JobKind, JobParams, JobRecord } from '../core/jobs.js';
import { code, joinMarkup, md } from '../core/markup.js';
import { randomSeed, type RequestOptions } from '../core/parameters.js';
import { KARRAS_SAMPLERS, splitSamplerChoice } from '../core/samplers.js';
import { sizeFor } from '../pipeline/capabilities.js';
import type { ModelDescription } from '../pipeline/model-folder.js';
import { renderJob } from '../replies/render.js';
import type { Services } from '../services.js';

/** Images in a grid. */
export const GRID_SIZE = 4;

/** The model a request names, or a refusal listing the ones there are. */
export function pickModel(services: Pick<Services, 'models'>, name: string | undefined): ModelDescription {
  const entry = services.models.get(name);
  if (!entry) {
    throw new UserError(md`Unknown model \`${name ?? ''}\`. Available: ${joinMarkup(services.models.list().map((m) => code(m.name)), ', ')}.`, 'model-unknown');
  }
  return entry;
}

/** Joins the user's negative prompt with the server's default one. */
export function combineNegative(user: string | undefined, serverDefault: string): string {
  return [user?.trim(), serverDefault.trim()].filter(Boolean).join(', ');
}

/** A grid's parameters: what the user asked for, the rest from the model's defaults and the server's negative prompt. */
export function gridParams(options: RequestOptions, model: ModelDescription, serverNegative: string): JobParams {
  const { width, height } = sizeFor(model, options.aspectRatio);
  const chosen = options.sampler ? splitSamplerChoice(options.sampler) : undefined;
  const scheduler = chosen?.sampler ?? model.defaults.scheduler;
  const karras = options.schedule ? options.schedule === 'karras' : (chosen?.karras ?? false);
  if (karras && !KARRAS_SAMPLERS.includes(scheduler)) {
    throw new UserError(md`Karras sigmas work with ${KARRAS_SAMPLERS.join(', ')} (as in diffusers), not ${scheduler}; pick one of those with \`--sampler\`.`, 'parameter');
  }
  return {
    prompt: options.prompt,
    negativePrompt: combineNegative(options.negative, serverNegative),
    model: model.name,
    seed: options.seed ?? randomSeed(),
    steps: options.steps ?? model.defaults.steps,
    guidance: options.guidance ?? model.defaults.guidance,
    width,
    height,
    scheduler,
    // Said only when the user chose; otherwise the model's scheduler config decides.
    ...(options.schedule || chosen?.karras ? { karras } : {}),
    count: GRID_SIZE,
    aspectRatio: options.aspectRatio,
  };
}

/** Puts a job in the queue for the invoking user and answers with its first status. */
export async function submitJob(inv: Invocation, services: Services, kind: JobKind, params: JobParams, id?: string): Promise<CommandOutcome> {
  // The safety policy in force where and when it is asked for; a click under an old result gets today's.
  const limits = await services.settings.get(inv.serverId);
  const safety = { policy: limits.nsfw_policy, threshold: limits.nsfw_threshold, ageRestricted: inv.ageRestricted === true };
  // Private mode (/settings): every message of the job is for the requester alone.
  const { private: isPrivate } = await services.settings.preferences(inv.serverId, inv.userId);
  const job: JobRecord = await services.queue.submit({
    ...(id ? { id } : {}),
    kind,
    platform: inv.platform,
    serverId: inv.serverId,
    channelId: inv.channelId,
    userId: inv.userId,
    userName: inv.userName,
    isServerAdmin: inv.isServerAdmin,
    params: {
      ...params,
      safety,
      previews: limits.previews,
      ...(isPrivate ? { private: true } : {}),
      ...(params.source && inv.origin ? { origin: inv.origin } : {}),
      ...(inv.languages ? { languages: inv.languages } : {}),
    },
    delivery: inv.delivery,
  });
  const position = await services.queue.position(job.id);
  // The job may already have moved on; show what the store says now.
  const current = (await services.jobs.get(job.id)) ?? job;
  const reply = await renderJob(current, services.images, { position });
  return { kind: 'job', jobId: job.id, reply: isPrivate ? { ...reply, ephemeral: true } : reply };
}
