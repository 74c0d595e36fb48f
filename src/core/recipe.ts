/**
 * A job's recipe as AUTOMATIC1111 writes it into its PNGs (the `parameters` text): the prompt, a
 * `Negative prompt:` line, then `Key: value` pairs. A1111's PNG Info, ComfyUI and the many tools
 * that read A1111's pictures read ours; parseRecipe reads it back by A1111's own rules.
 */
import type { JobRecord } from './jobs.js';
import type { SchedulerName } from './samplers.js';

/** Our samplers by the names A1111 shows (its sampler list; PLMS is diffusers' PNDM). */
export const A1111_SAMPLER_NAMES: Record<SchedulerName, string> = {
  euler: 'Euler',
  'euler-a': 'Euler a',
  ddim: 'DDIM',
  'dpmpp-2m': 'DPM++ 2M',
  lcm: 'LCM',
  pndm: 'PLMS',
};

/** A value as A1111 writes it: quoted (JSON) when it holds a comma, a colon or a quote. */
function quote(value: string): string {
  return /[,:"]/.test(value) || value.includes('\n') ? JSON.stringify(value) : value;
}

/**
 * The `Key: value` pairs of an image of a job: image `index`'s seed, and what this bot adds
 * (strength, the job it came from, the upscale factor, the job itself).
 */
export function recipeFields(job: Pick<JobRecord, 'id' | 'kind' | 'params' | 'output'>, index = 0): [string, string][] {
  const p = job.params;
  const seed = job.output?.seeds[index] ?? p.seed + index;
  const width = job.output?.width ?? p.width;
  const height = job.output?.height ?? p.height;
  const fields: [string, string][] = [];
  if (job.kind !== 'upscale') {
    fields.push(['Steps', String(p.steps)]);
    if (p.scheduler) fields.push(['Sampler', A1111_SAMPLER_NAMES[p.scheduler]]);
    // A1111 names the sigma schedule apart from the sampler (1.9 on).
    if (p.karras) fields.push(['Schedule type', 'Karras']);
    fields.push(['CFG scale', String(p.guidance)]);
  }
  fields.push(['Seed', String(seed)], ['Size', `${width}x${height}`], ['Model', p.model]);
  const strength = p.init?.strength ?? (job.kind === 'variation' || job.kind === 'zoom' ? p.strength : undefined);
  if (strength !== undefined) fields.push(['Denoising strength', String(strength)]);
  if (job.kind === 'zoom') {
    const o = p.outpaint;
    if (o?.mode === 'pan') fields.push(['Pan', o.pan ?? '']);
    else if (o?.mode === 'square') fields.push(['Make square', 'yes']);
    else fields.push(['Zoom out', String(o?.zoom ?? 2)]);
  }
  if (p.region) fields.push(['Region', p.region.name]);
  if (job.kind === 'upscale') fields.push(['Upscale', String(p.factor ?? 2)]);
  if (p.source) fields.push(['Source job', `${p.source.jobId} #${p.source.index + 1}`]);
  if (p.init) fields.push(['Image prompt', 'yes']);
  fields.push(['Job', job.id]);
  return fields;
}

/** The `parameters` text of image `index` of a job, in A1111's layout. */
export function recipeText(job: Pick<JobRecord, 'id' | 'kind' | 'params' | 'output'>, index = 0): string {
  const lines = [job.params.prompt];
  if (job.params.negativePrompt) lines.push(`Negative prompt: ${job.params.negativePrompt}`);
  lines.push(recipeFields(job, index).map(([k, v]) => `${k}: ${quote(v)}`).join(', '));
  return lines.join('\n');
}

export interface ParsedRecipe {
  prompt: string;
  negativePrompt: string;
  fields: Record<string, string>;
}

// A1111's re_param (modules/infotext_utils.py): a key, then a quoted value or one up to the next comma.
const PARAM = /\s*(\w[\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

/**
 * A `parameters` text read as A1111's parse_generation_parameters reads it: the last line holds
 * the pairs when it has at least three; the lines before are the prompt, up to a line starting
 * `Negative prompt:`, which starts the negative prompt.
 */
export function parseRecipe(text: string): ParsedRecipe {
  const lines = text.trim().split('\n');
  let last = lines[lines.length - 1] ?? '';
  const pairs = [...last.matchAll(PARAM)];
  if (pairs.length < 3) last = '';
  else lines.pop();
  let prompt = '';
  let negativePrompt = '';
  let inNegative = false;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      negativePrompt = line.slice('Negative prompt:'.length).trim();
    } else if (inNegative) negativePrompt += `\n${line}`;
    else prompt += `${i ? '\n' : ''}${line}`;
  }
  const fields: Record<string, string> = {};
  if (last) {
    for (const [, key, value] of pairs) {
      const v = value!.trim();
      fields[key!.trim()] = v.startsWith('"') && v.endsWith('"') && v.length > 1 ? (JSON.parse(v) as string) : v;
    }
  }
  return { prompt, negativePrompt, fields };
}
