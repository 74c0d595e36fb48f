/**
 * A job's state as the neutral Reply every platform shows: the Midjourney-like status line,
 * then the picture with its buttons. One place, so Discord, Slack and the playground agree.
 */
import { gridButtons, singleImageButtons } from './buttons.js';
import type { Reply } from './invocation.js';
import type { JobRecord } from './jobs.js';
import type { ImageStore } from '../store/types.js';

export interface JobProgress {
  /** 1-based place in the queue while queued. */
  position?: number;
  step?: number;
  total?: number;
}

/** Backslash-escapes the neutral markup's special characters in user text (prompts, names). */
export function escapeMarkup(text: string): string {
  return text.replace(/([\\*`<>_~|])/g, '\\$1');
}

/** `red heart, glossy` → `red_heart_glossy` (for file names). */
export function slug(text: string, max = 40): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, max)
    .replace(/_+$/, '');
  return s || 'image';
}

function headline(job: JobRecord): string {
  const p = job.params;
  const prompt = p.prompt ? `**${escapeMarkup(p.prompt)}**` : '**(no prompt)**';
  const who = `<@${job.userId}>`;
  switch (job.kind) {
    case 'imagine':
      return `${prompt} - ${who}`;
    case 'variation':
      return `${prompt} - Variations (${(p.strength ?? 0.75) >= 0.5 ? 'Strong' : 'Subtle'}) by ${who}`;
    case 'upscale':
      return p.source && p.factor === 2 && p.source.index >= 0
        ? `${prompt} - Image #${p.source.index + 1} (upscaled ${p.factor}×) ${who}`
        : `${prompt} - Upscaled (${p.factor ?? 2}×) by ${who}`;
    case 'zoom':
      return `${prompt} - Zoom Out by ${who}`;
  }
}

function seedsText(seeds: number[]): string {
  if (seeds.length === 0) return '';
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive ? `seeds ${seeds[0]}–${seeds[seeds.length - 1]}` : `seeds ${seeds.join(', ')}`;
}

/** The details users need to make an image again: seeds, model, steps, guidance, size, sampler. */
export function jobDetails(job: JobRecord): string {
  const p = job.params;
  const parts = [seedsText(job.output?.seeds ?? []), p.model];
  if (job.kind !== 'upscale') {
    parts.push(`${p.steps} steps`, `cfg ${p.guidance}`);
    if (p.scheduler) parts.push(p.scheduler);
  }
  const w = job.output?.width ?? p.width;
  const h = job.output?.height ?? p.height;
  parts.push(`${w}×${h}`);
  if (p.negativePrompt) parts.push(`no: ${escapeMarkup(p.negativePrompt)}`);
  return parts.filter(Boolean).join(' · ');
}

export async function renderJob(job: JobRecord, images: ImageStore, progress: JobProgress = {}): Promise<Reply> {
  const head = headline(job);
  switch (job.status) {
    case 'queued': {
      const where = progress.position ? ` — #${progress.position} in queue` : '';
      return { text: `${head} (Waiting to start${where})` };
    }
    case 'running': {
      if (progress.step !== undefined && progress.total) {
        const pct = Math.floor((100 * progress.step) / progress.total);
        return { text: `${head} (${pct}% · step ${progress.step}/${progress.total})` };
      }
      return { text: `${head} (Starting…)` };
    }
    case 'failed':
      return { text: `${head}\n❌ ${escapeMarkup(job.error ?? 'Something went wrong while making this image; please try again.')}` };
    case 'cancelled':
      return { text: `${head} (cancelled)` };
    case 'done': {
      const out = job.output;
      if (!out) return { text: `${head}\n❌ The result of this job is missing.` };
      const warn = out.warnings?.length ? `\n_${out.warnings.map(escapeMarkup).join('; ')}_` : '';
      const text = `${head}\n${jobDetails(job)}${warn}`;
      if (!(await images.has(out.preview))) return { text: `${text}\nThis image has expired.` };
      const kind = out.images.length > 1 ? 'grid' : job.kind === 'upscale' ? 'upscaled' : 'image';
      return {
        text,
        images: [
          {
            filename: `${slug(job.params.prompt)}_${kind}_${job.id}.png`,
            data: await images.get(out.preview),
            width: out.previewWidth,
            height: out.previewHeight,
            alt: job.params.prompt,
          },
        ],
        buttons: out.images.length > 1 ? gridButtons(job.id, out.images.length) : singleImageButtons(job.id),
      };
    }
  }
}
