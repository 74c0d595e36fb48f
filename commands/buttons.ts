/**
 * The buttons under a result (U1–U4, V1–V4, 🔄, Vary, Upscale, Zoom Out) and ✖ Cancel under a
 * status: the click's button id names the job and what to do; src/jobs/plans.ts says what job a
 * result's button makes.
 */
import { decodeButtonId } from '../src/core/buttons.js';
import { UserError } from '../src/core/errors.js';
import { BUTTON_COMMAND, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { JobParams, JobRecord } from '../src/core/jobs.js';
import { md } from '../src/core/markup.js';
import { MAX_PROMPT_LENGTH, parsePromptParams } from '../src/core/parameters.js';
import { cleanPromptText } from '../src/core/prompt-text.js';
import { textReply } from '../src/core/reply.js';
import { splitSamplerChoice } from '../src/core/samplers.js';
import { planFromButton } from '../src/jobs/plans.js';
import { submitJob } from '../src/jobs/submit.js';
import { cancelJob } from './cancel.js';
import { deleteResult, recipeReply } from './recipe.js';
import { settingsButton } from './settings.js';
import type { Services } from '../src/services.js';

export async function handleButton(inv: Invocation, services: Services): Promise<CommandOutcome> {
  const id = inv.options.id;
  const ref = typeof id === 'string' ? decodeButtonId(id) : undefined;
  if (!ref) throw new UserError('This button is no longer valid.', 'button');
  if (ref.action === 'set') return settingsButton(inv, services, ref.variant);
  const job = await services.jobs.get(ref.jobId);
  // Retention deletes a job with its images; a made-up id reads the same.
  const days = services.config.IMAGE_RETENTION_DAYS;
  if (!job) throw new UserError(`This image is no longer available${days > 0 ? ` (images are kept ${days} days)` : ''}.`, 'button');
  if (job.serverId !== inv.serverId) throw new UserError('This button belongs to an image made in another server.', 'button');
  if (ref.action === 'cx') return cancelJob(inv, services, job.id);
  if (job.status !== 'done' || !job.output) throw new UserError('That job has not finished yet.', 'button');
  if (ref.action === 'nf') return recipeReply(job);
  if (ref.action === 'del') return deleteResult(inv, services, job);
  // Remix (/settings): V, Vary and Zoom Out ask for the prompt first; the form's answer comes back here.
  const remixed = typeof inv.options.prompt === 'string' ? inv.options.prompt : undefined;
  if ((ref.action === 'var' || ref.action === 'zo') && remixed === undefined && (await services.settings.preferences(inv.serverId, inv.userId)).remix) {
    return remixForm(job, String(id));
  }
  const plan = planFromButton(ref, job);
  const { kind } = plan;
  const params = remixed === undefined ? plan.params : remixParams(plan.params, remixed);
  if (params.source) {
    const key = job.output.images[params.source.index];
    if (key === undefined) throw new UserError(`This job has no image #${params.source.index + 1}.`, 'button');
    if (!(await services.images.has(key))) {
      throw new UserError(`This image has expired (images are kept ${services.config.IMAGE_RETENTION_DAYS} days). Run the prompt again with its seed to get it back.`, 'expired');
    }
  }
  return submitJob(inv, services, kind, params);
}

/** The Remix form: the source's prompt (with its negative as --no) to edit before the job starts. */
function remixForm(job: JobRecord, buttonId: string): CommandOutcome {
  const p = job.params;
  return {
    kind: 'form',
    form: {
      title: 'Remix',
      submitLabel: 'Remix',
      command: BUTTON_COMMAND,
      options: { id: buttonId },
      fields: [{ name: 'prompt', label: 'Prompt', style: 'paragraph', required: true, maxLength: MAX_PROMPT_LENGTH, value: p.negativePrompt ? `${p.prompt} --no ${p.negativePrompt}` : p.prompt }],
    },
    reply: textReply(md`Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with \`/settings set remix off\`.`),
  };
}

/** A button's job with the prompt the user remixed: its text, and the negative prompt, steps, guidance and sampler it names. */
function remixParams(params: JobParams, text: string): JobParams {
  const r = parsePromptParams(cleanPromptText(text));
  if (r.prompt === '') throw new UserError('The remixed prompt is empty.', 'prompt');
  const sampler = r.sampler ? splitSamplerChoice(r.sampler) : undefined;
  return {
    ...params,
    prompt: r.prompt,
    negativePrompt: r.negative ?? '',
    ...(r.steps !== undefined ? { steps: r.steps } : {}),
    ...(r.guidance !== undefined ? { guidance: r.guidance } : {}),
    ...(sampler ? { scheduler: sampler.sampler, karras: sampler.karras } : {}),
  };
}
