/**
 * What a result was made with, for people: the ℹ️ Recipe button's private answer, and /show, which
 * posts a result of the server again with its working buttons.
 */
import { UserError } from '../src/core/errors.js';
import { replyOf, type CommandOutcome, type Invocation } from '../src/core/invocation.js';
import type { JobRecord } from '../src/core/jobs.js';
import { code, concat, md, tr, type MarkupPart } from '../src/core/markup.js';
import { recipeFields } from '../src/core/recipe.js';
import { renderJob, seedRange } from '../src/replies/render.js';
import type { Services } from '../src/services.js';
import type { Command } from './command.js';

/** Seeds of a result as one field: `Seed: 7` or `Seeds: 7–10`. */
function seedField(job: JobRecord): [string, string] {
  const seeds = job.output?.seeds ?? [job.params.seed];
  return [seeds.length === 1 ? 'Seed' : 'Seeds', seedRange(seeds)];
}

/** The ℹ️ Recipe answer: prompt, negative prompt and every setting, as the PNGs carry them. */
export function recipeReply(job: JobRecord): CommandOutcome {
  const fields = recipeFields(job).map(([k, v]): [string, string] => (k === 'Seed' ? seedField(job) : [k, v])).filter(([k]) => k !== 'Job');
  const lines: MarkupPart[] = [
    md`**Recipe** of ${code(job.id)}`,
    md`Prompt: ${job.params.prompt}`,
    ...(job.params.negativePrompt ? [md`Negative prompt: ${job.params.negativePrompt}`] : []),
    fields.map(([k, v]) => `${k}: ${v}`).join(' · '),
    md`Each PNG carries this as A1111's ${code('parameters')} (PNG Info and ComfyUI read it). ${code(`/show ${job.id}`)} posts the result again.`,
  ];
  return replyOf(concat(...lines.flatMap((l, i) => (i ? ['\n', l] : [l]))), true);
}

/** A job of this server by the id a user typed, or a UserError saying why not. */
async function serverJob(inv: Invocation, services: Services, id: string): Promise<JobRecord> {
  const job = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await services.jobs.get(id) : undefined;
  if (!job || job.serverId !== inv.serverId) throw new UserError(md`There is no job ${code(id)} in this server (results are kept ${String(services.config.IMAGE_RETENTION_DAYS)} days).`, 'show');
  return job;
}

/** /show <job>: a result of this server posted again, with buttons that work as the first ones did. */
export const showCommand: Command = {
  name: 'show',
  description: 'Post a result of this server again, with its buttons',
  answersPublicly: true,
  options: [{ name: 'job', type: 'string', required: true, description: 'The job id (ℹ️ Recipe and /info show it)', maxLength: 64, whenMissing: md`Name the job, e.g. ${code('/show 01J9Z…')}; ℹ️ Recipe under a result shows its id.` }],
  async execute(inv, services) {
    const job = await serverJob(inv, services, String(inv.options.job ?? '').trim());
    if (job.status !== 'done') throw new UserError(md`Job ${code(job.id)} has not finished (${code(job.status)}); only finished results can be shown again.`, 'show');
    const reply = await renderJob(job, services.images);
    return { kind: 'reply', reply: { ...reply, ephemeral: false } };
  },
};

/** 🗑 Delete: the result's pictures and record go, and its message comes down; its requester and server admins only. */
export async function deleteResult(inv: Invocation, services: Services, job: JobRecord): Promise<CommandOutcome> {
  if (job.userId !== inv.userId && !inv.isServerAdmin) throw new UserError(md`Only the person who asked for this image, or ${tr(inv.admins)}, can delete it.`, 'delete');
  await services.images.deletePrefix(`${job.id}/`);
  await services.jobs.delete([job.id]);
  services.log.info({ jobId: job.id, serverId: job.serverId, by: inv.userId }, 'result deleted');
  return { kind: 'removed', reply: { text: md`Deleted the result of ${code(job.id)}.`, ephemeral: true } };
}
