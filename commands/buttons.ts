/**
 * The buttons under a result (U1–U4, V1–V4, 🔄, Vary, Upscale, Zoom Out) and ✖ Cancel under a
 * status: the click's button id names the job and what to do; src/jobs/plans.ts says what job a
 * result's button makes.
 */
import { decodeButtonId, encodeButtonId } from '../src/core/buttons.js';
import { parseDrawnCells } from '../src/core/drawn-region.js';
import { UserError } from '../src/core/errors.js';
import { BUTTON_COMMAND, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { JobParams, JobRecord } from '../src/core/jobs.js';
import type { FormField } from '../src/core/forms.js';
import { md, type MarkupPart } from '../src/core/markup.js';
import { MAX_PROMPT_LENGTH, parsePromptParams } from '../src/core/parameters.js';
import { cleanPromptText } from '../src/core/prompt-text.js';
import { textReply } from '../src/core/reply.js';
import { splitSamplerChoice } from '../src/core/samplers.js';
import { pngSize } from '../src/images/png.js';
import { DRAWN, planFromButton, REGIONS, ZOOM_RANGE } from '../src/jobs/plans.js';
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
  if (!job) throw new UserError(days > 0 ? md`This image is no longer available (images are kept ${days} days).` : md`This image is no longer available.`, 'button');
  if (job.serverId !== inv.serverId) throw new UserError('This button belongs to an image made in another server.', 'button');
  if (ref.action === 'cx') return cancelJob(inv, services, job.id);
  if (job.status !== 'done' || !job.output) throw new UserError('That job has not finished yet.', 'button');
  if (ref.action === 'nf') return recipeReply(job);
  if (ref.action === 'del') return deleteResult(inv, services, job);
  // Remix (/settings): V, Vary, Zoom and Pan ask for the prompt first; the form's answer comes back here.
  const remixed = typeof inv.options.prompt === 'string' ? inv.options.prompt : undefined;
  // Vary (Region): a menu of regions, then the prompt for the chosen one, then the job.
  // A region drawn in the playground comes with its cells, which the form carries to the job.
  if (ref.action === 'vr' && remixed === undefined) {
    const choice = ref.variant === 'pick' ? inv.options.value : ref.variant;
    if (choice === undefined) return regionMenu(services, job, ref.index);
    if (choice === DRAWN) return regionForm(job, encodeButtonId({ action: 'vr', jobId: job.id, index: ref.index, variant: DRAWN }), { cells: parseDrawnCells(inv.options.cells) });
    if (typeof choice !== 'string' || !REGIONS[choice]) throw new UserError('Pick one of the regions in the menu.', 'region');
    return regionForm(job, encodeButtonId({ action: 'vr', jobId: job.id, index: ref.index, variant: choice }));
  }
  const custom = ref.action === 'zo' && ref.variant === 'c';
  if (custom && inv.options.factor === undefined) return customZoomForm(job, String(id));
  if ((ref.action === 'var' || ref.action === 'zo' || ref.action === 'pan') && !custom && remixed === undefined && (await services.settings.preferences(inv.serverId, inv.userId)).remix) {
    return remixForm(job, String(id));
  }
  const plan = planFromButton({ ...ref, ...(custom ? { factor: zoomFactor(inv.options.factor) } : {}), cells: inv.options.cells }, job);
  const { kind } = plan;
  const params = remixed === undefined ? plan.params : remixParams(plan.params, remixed);
  if (params.source) {
    const key = job.output.images[params.source.index];
    if (key === undefined) throw new UserError(md`This job has no image #${params.source.index + 1}.`, 'button');
    if (!(await services.images.has(key))) {
      throw new UserError(md`This image has expired (images are kept ${services.config.IMAGE_RETENTION_DAYS} days). Run the prompt again with its seed to get it back.`, 'expired');
    }
  }
  return submitJob(inv, services, kind, params);
}

/** A Custom Zoom's factor as the user typed it, or why not. */
function zoomFactor(raw: unknown): number {
  const text = String(raw ?? '').trim().replace(',', '.');
  const f = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || f < ZOOM_RANGE.min || f > ZOOM_RANGE.max) throw new UserError(md`The zoom factor is a number from ${String(ZOOM_RANGE.min)} to ${String(ZOOM_RANGE.max)} (got \`${text}\`).`, 'zoom');
  return f;
}

/** The source's prompt as a form field to edit (its negative as --no). */
function promptField(job: JobRecord): FormField {
  const p = job.params;
  return { name: 'prompt', label: 'Prompt', style: 'paragraph', required: true, maxLength: MAX_PROMPT_LENGTH, value: p.negativePrompt ? `${p.prompt} --no ${p.negativePrompt}` : p.prompt };
}

/** A form whose answers come back to the button clicked (with `carried` options, e.g. a drawn region). */
function buttonForm(buttonId: string, title: string, submitLabel: string, fields: FormField[], fallback: MarkupPart, carried: Record<string, string> = {}): CommandOutcome {
  return { kind: 'form', form: { title, submitLabel, command: BUTTON_COMMAND, options: { ...carried, id: buttonId }, fields }, reply: textReply(fallback) };
}

/** Vary (Region)'s menu: which part of the picture to repaint; where there is a canvas (the playground), also the picture to draw on. */
async function regionMenu(services: Services, job: JobRecord, index: number): Promise<CommandOutcome> {
  const pick = encodeButtonId({ action: 'vr', jobId: job.id, index, variant: 'pick' });
  const key = job.output?.images[index];
  const png = key === undefined ? undefined : await services.images.get(key).catch(() => undefined);
  const meta = png && pngSize(png);
  return {
    kind: 'reply',
    reply: {
      text: md`**Vary (Region)**: which part of image #${String(index + 1)} should change? The rest stays as it is.`,
      ephemeral: true,
      selects: [{ id: pick, placeholder: 'Pick a region', options: Object.entries(REGIONS).map(([value, r]) => ({ label: r.label, value })) }],
      ...(png && meta ? { drawing: { id: pick, value: DRAWN, label: 'Draw the region', image: { filename: `image-${index + 1}.png`, data: png, ...meta } } } : {}),
    },
  };
}

/** Vary (Region)'s form: the prompt to paint the chosen region with. */
function regionForm(job: JobRecord, buttonId: string, carried: Record<string, string> = {}): CommandOutcome {
  return buttonForm(buttonId, 'Vary (Region)', 'Repaint', [promptField(job)], md`Vary (Region) asks for the prompt in a form, which this place cannot show.`, carried);
}

/** Custom Zoom: the factor (1–2) and the prompt to paint the new border with. */
function customZoomForm(job: JobRecord, buttonId: string): CommandOutcome {
  const factor: FormField = { name: 'factor', label: `Zoom factor, ${ZOOM_RANGE.min}–${ZOOM_RANGE.max}`, style: 'short', required: true, maxLength: 4, value: '1.5' };
  return buttonForm(buttonId, 'Custom Zoom', 'Zoom Out', [factor, promptField(job)], md`Custom Zoom asks for the factor in a form, which this place cannot show; use Zoom Out 2× or 1.5×.`);
}

/** The Remix form: the source's prompt to edit before the job starts. */
function remixForm(job: JobRecord, buttonId: string): CommandOutcome {
  return buttonForm(buttonId, 'Remix', 'Remix', [promptField(job)], md`Remix asks for the new prompt in a form, which this place cannot show; turn Remix off with \`/settings set remix off\`.`);
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
