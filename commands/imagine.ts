import { randomInt } from 'node:crypto';
import type { CommandDefinition, Services } from '../src/core/command.js';
import { UserError, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { JobKind, JobParams, JobRecord } from '../src/core/jobs.js';
import { MAX_PROMPT_LENGTH, MAX_SEED, parsePromptParams, sizeForAspectRatio, validateAspectRatio, type PromptParams } from '../src/core/prompt-params.js';
import { renderJob } from '../src/core/render.js';
import type { CatalogEntry } from '../src/pipeline/catalog.js';
import { SCHEDULER_NAMES } from '../src/pipeline/schedulers/index.js';
import { SubmitRefusedError } from '../src/queue/types.js';

export const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '3:2', '2:3', '4:3', '3:4'];
/** Images in a grid. */
export const GRID_SIZE = 4;

export function randomSeed(): number {
  return randomInt(0, MAX_SEED);
}

/** The model a request names, or a refusal listing the ones there are. */
export function pickModel(services: Services, name: string | undefined): CatalogEntry {
  const entry = services.models.get(name);
  if (!entry) throw new UserError(`Unknown model \`${name}\`. Available: ${services.models.list().map((m) => `\`${m.name}\``).join(', ')}.`);
  return entry;
}

/** Joins the user's negative prompt with the server's default one. */
export function combineNegative(user: string | undefined, serverDefault: string): string {
  return [user?.trim(), serverDefault.trim()].filter(Boolean).join(', ');
}

/** Puts a job in the queue for the invoking user and answers with its first status. */
export async function submitJob(inv: Invocation, services: Services, kind: JobKind, params: JobParams): Promise<CommandOutcome> {
  let job: JobRecord;
  try {
    job = await services.queue.submit({
      kind,
      platform: inv.platform,
      serverId: inv.serverId,
      channelId: inv.channelId,
      userId: inv.userId,
      userName: inv.userName,
      isServerAdmin: inv.isServerAdmin,
      params,
      delivery: inv.delivery,
    });
  } catch (err) {
    if (err instanceof SubmitRefusedError) throw new UserError(err.message);
    throw err;
  }
  const position = await services.queue.position(job.id);
  // The job may already have moved on; show what the store says now.
  const current = (await services.jobs.get(job.id)) ?? job;
  return { kind: 'job', jobId: job.id, reply: await renderJob(current, services.images, { position }) };
}

function pick<T>(typed: T | undefined, inline: T | undefined, name: string, param: string): T | undefined {
  if (typed !== undefined && inline !== undefined && typed !== inline) {
    throw new UserError(`${name} is given twice (the ${name} option and \`${param}\`); use one.`);
  }
  return typed ?? inline;
}

/** Reads the typed options (Discord) and the inline `--params` (every platform) into one set. */
export function readImagineOptions(options: Invocation['options']): PromptParams {
  const raw = options.prompt;
  if (typeof raw !== 'string' || raw.trim() === '') throw new UserError('Describe the image you want, e.g. `/imagine red heart --seed 7`.');
  if (raw.length > MAX_PROMPT_LENGTH) throw new UserError(`The prompt is ${raw.length} characters; the limit is ${MAX_PROMPT_LENGTH}.`);
  const inline = parsePromptParams(raw);
  if (inline.prompt === '') throw new UserError('The prompt has parameters but no description; e.g. `/imagine red heart --ar 16:9`.');
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const sampler = str(options.sampler)?.toLowerCase();
  if (sampler !== undefined && !(SCHEDULER_NAMES as readonly string[]).includes(sampler)) {
    throw new UserError(`Unknown sampler \`${sampler}\`; the samplers are ${SCHEDULER_NAMES.join(', ')}.`);
  }
  const ar = str(options.ar);
  return {
    prompt: inline.prompt,
    negative: pick(str(options.negative), inline.negative, 'The negative prompt', '--no'),
    seed: pick(num(options.seed), inline.seed, 'The seed', '--seed'),
    steps: pick(num(options.steps), inline.steps, 'Steps', '--steps'),
    guidance: pick(num(options.guidance), inline.guidance, 'Guidance', '--cfg'),
    aspectRatio: pick(ar === undefined ? undefined : validateAspectRatio(ar), inline.aspectRatio, 'The aspect ratio', '--ar'),
    model: pick(str(options.model), inline.model, 'The model', '--model'),
    sampler: pick(sampler as PromptParams['sampler'], inline.sampler, 'The sampler', '--sampler'),
  };
}

/** Width and height for a model and an optional aspect ratio; refuses ratios a fixed-size model cannot make. */
export function sizeFor(model: CatalogEntry, aspectRatio: string | undefined): { width: number; height: number } {
  const native = { width: model.defaults.width, height: model.defaults.height };
  if (!aspectRatio) return native;
  const fixed = model.limits.fixedSize;
  if (fixed) {
    const [w, h] = aspectRatio.split(':').map(Number) as [number, number];
    if (w * fixed.height !== h * fixed.width) {
      throw new UserError(`\`${model.name}\` only makes ${fixed.width}×${fixed.height} images, so \`--ar ${aspectRatio}\` is not available with it.`);
    }
    return { width: fixed.width, height: fixed.height };
  }
  return sizeForAspectRatio(aspectRatio, native, model.limits);
}

export const imagineCommand: CommandDefinition = {
  name: 'imagine',
  description: 'Create four images from a text prompt',
  options: [
    { name: 'prompt', type: 'string', required: true, maxLength: MAX_PROMPT_LENGTH, description: 'What to draw; --ar 16:9 --seed 42 --no cars --steps 20 --cfg 7 --sampler euler-a work here too' },
    { name: 'negative', type: 'string', maxLength: 500, description: 'What to leave out (same as --no)' },
    { name: 'seed', type: 'integer', minValue: 0, maxValue: MAX_SEED, description: 'Seed of the first image; the others use the next ones' },
    { name: 'steps', type: 'integer', minValue: 1, maxValue: 150, description: 'Denoising steps' },
    { name: 'guidance', type: 'number', minValue: 0, maxValue: 30, description: 'How closely to follow the prompt (cfg)' },
    { name: 'ar', type: 'string', description: 'Aspect ratio', choices: ASPECT_RATIOS.map((r) => ({ name: r, value: r })) },
    { name: 'model', type: 'string', description: 'Model name (see /info)' },
    { name: 'sampler', type: 'string', description: 'Sampler', choices: SCHEDULER_NAMES.map((s) => ({ name: s, value: s })) },
  ],
  parseText(text) {
    return { options: { prompt: text } };
  },
  async execute(inv, services) {
    const o = readImagineOptions(inv.options);
    const model = pickModel(services, o.model);
    const { width, height } = sizeFor(model, o.aspectRatio);
    const limits = await services.settings.get(inv.serverId);
    const params: JobParams = {
      prompt: o.prompt,
      negativePrompt: combineNegative(o.negative, limits.negative_prompt),
      model: model.name,
      seed: o.seed ?? randomSeed(),
      steps: o.steps ?? model.defaults.steps,
      guidance: o.guidance ?? model.defaults.guidance,
      width,
      height,
      scheduler: o.sampler ?? model.defaults.scheduler,
      count: GRID_SIZE,
      aspectRatio: o.aspectRatio,
    };
    return submitJob(inv, services, 'imagine', params);
  },
};
