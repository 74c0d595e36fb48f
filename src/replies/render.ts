/**
 * A job's state as the neutral Reply every platform shows: the Midjourney-like status line,
 * then the picture with its buttons. One place, so Discord, Slack and the playground agree.
 */
import { cancelButtons, gridButtons, singleImageButtons } from '../core/buttons.js';
import { formatEta } from '../core/estimates.js';
import { imageSize, thumbnail } from '../images/encode.js';
import { JOB_FAILED } from '../core/errors.js';
import { SAFETY_BLOCKED } from '../core/safety.js';
import type { JobRecord } from '../core/jobs.js';
import { textIn } from '../core/i18n.js';
import { bold, concat, italic, joinMarkup, link, mention, md, msg, tr, type Markup, type MarkupPart } from '../core/markup.js';
import type { Reply, ReplyImage } from '../core/reply.js';
import type { ImageStore } from '../store/types.js';

/** Under a result the safety check flagged where the server's policy is spoiler. */
export const SAFETY_SPOILER_NOTE = msg('marked sensitive by the image safety check');

export interface JobProgress {
  /** 1-based place in the queue while queued. */
  position?: number;
  step?: number;
  total?: number;
  /** Image-store key of the latest live preview. */
  preview?: string;
  /** Estimates (queue.estimate, or the pace of the steps). */
  startsInMs?: number;
  leftMs?: number;
}

const BAR_CELLS = 8;
/** Longest side of an image prompt's picture shown beside its grid. */
const SOURCE_THUMBNAIL = 128;

/** `▰▰▰▰▱▱▱▱`: the share done, in eight cells. */
export function progressBar(fraction: number): string {
  const done = Math.max(0, Math.min(BAR_CELLS, Math.floor(fraction * BAR_CELLS)));
  return '▰'.repeat(done) + '▱'.repeat(BAR_CELLS - done);
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

/** Where a result came from, linked: ` · from image #2`. */
function lineage(job: JobRecord): MarkupPart {
  const p = job.params;
  if (!p.source || !p.origin) return '';
  return md` · from ${link(textIn(p.languages?.server, md`image #${p.source.index + 1}`), p.origin)}`;
}

function headline(job: JobRecord): Markup {
  return concat(baseHeadline(job), lineage(job));
}

function baseHeadline(job: JobRecord): Markup {
  const p = job.params;
  const prompt = bold(p.prompt || md`(no prompt)`);
  const who = mention(job.userId);
  switch (job.kind) {
    case 'imagine':
      return md`${prompt} - ${who}`;
    case 'variation':
      if (p.region) return md`${prompt} - Vary (Region: ${regionName(p.region)}) by ${who}`;
      return (p.strength ?? 0.75) >= 0.5 ? md`${prompt} - Variations (Strong) by ${who}` : md`${prompt} - Variations (Subtle) by ${who}`;
    case 'upscale':
      return p.source && p.factor === 2 && p.source.index >= 0
        ? md`${prompt} - Image #${p.source.index + 1} (upscaled ${p.factor}×) ${who}`
        : md`${prompt} - Upscaled (${p.factor ?? 2}×) by ${who}`;
    case 'zoom': {
      const o = p.outpaint;
      if (o?.mode === 'pan') {
        if (o.pan === 'left') return md`${prompt} - Pan Left by ${who}`;
        if (o.pan === 'up') return md`${prompt} - Pan Up by ${who}`;
        if (o.pan === 'down') return md`${prompt} - Pan Down by ${who}`;
        return md`${prompt} - Pan Right by ${who}`;
      }
      if (o?.mode === 'square') return md`${prompt} - Make Square by ${who}`;
      return o?.zoom !== undefined && o.zoom !== 2 ? md`${prompt} - Zoom Out ${String(o.zoom)}× by ${who}` : md`${prompt} - Zoom Out by ${who}`;
    }
  }
}

/** A job's seeds as people read them: `42–45` when consecutive, else listed. */
export function seedRange(seeds: readonly number[]): string {
  const consecutive = seeds.every((s, i) => i === 0 || s === seeds[i - 1]! + 1);
  return consecutive && seeds.length > 1 ? `${seeds[0]}–${seeds[seeds.length - 1]}` : seeds.join(', ');
}

function seedsText(seeds: number[]): MarkupPart {
  if (seeds.length === 0) return '';
  return seeds.length === 1 ? md`seed ${seedRange(seeds)}` : md`seeds ${seedRange(seeds)}`;
}

/** The details users need to make an image again: seeds, model, steps, guidance, size, sampler. */
export function jobDetails(job: JobRecord): Markup {
  const p = job.params;
  const parts: MarkupPart[] = [seedsText(job.output?.seeds ?? []), p.model];
  if (job.kind !== 'upscale') {
    parts.push(md`${p.steps} steps`, `cfg ${p.guidance}`);
    if (p.scheduler) parts.push(p.karras ? `${p.scheduler} karras` : p.scheduler);
  }
  const w = job.output?.width ?? p.width;
  const h = job.output?.height ?? p.height;
  parts.push(`${w}×${h}`);
  if (p.negativePrompt) parts.push(md`no: ${p.negativePrompt}`);
  return joinMarkup(parts.filter((x) => x !== ''), ' · ');
}

/** A Vary (Region) region in words: its menu label, or the drawn area. */
function regionName(region: NonNullable<JobRecord['params']['region']>): MarkupPart {
  return region.label ? tr(region.label) : region.name;
}

const lines = (...parts: MarkupPart[]) => concat(...parts.flatMap((p, i) => (i ? ['\n', p] : [p])));

/** The picture an image prompt started from, small, beside the grid it made. */
async function sourceThumbnail(job: JobRecord, images: ImageStore): Promise<ReplyImage[]> {
  const key = job.params.init?.image;
  if (job.kind !== 'imagine' || !key || !(await images.has(key))) return [];
  const data = await thumbnail(await images.get(key), SOURCE_THUMBNAIL);
  return [{ filename: `${slug(job.params.prompt)}_source_${job.id}.png`, data, ...(await imageSize(data)), alt: `The picture this started from` }];
}

export async function renderJob(job: JobRecord, images: ImageStore, progress: JobProgress = {}): Promise<Reply> {
  const head = headline(job);
  switch (job.status) {
    case 'queued': {
      const eta = progress.startsInMs !== undefined ? md` · starts in ${formatEta(progress.startsInMs)}` : '';
      const where = progress.position ? md` — #${progress.position} in queue${eta}` : '';
      return { text: md`${head} (Waiting to start${where})`, buttons: cancelButtons(job.id) };
    }
    case 'running': {
      const buttons = cancelButtons(job.id);
      // An upscale has no steps to count.
      if (progress.step === undefined || !progress.total || job.kind === 'upscale') {
        const eta = progress.leftMs !== undefined ? md` · ${formatEta(progress.leftMs)} left` : '';
        return { text: job.kind === 'upscale' ? md`${head} (Upscaling…${eta})` : md`${head} (Starting…${eta})`, buttons };
      }
      const fraction = progress.step / progress.total;
      const pace = progress.leftMs !== undefined ? md`${formatEta(progress.leftMs)} left` : md`step ${progress.step}/${progress.total}`;
      const text = md`${head} (${progressBar(fraction)} ${Math.floor(100 * fraction)}% · ${pace})`;
      const preview = progress.preview && (await images.has(progress.preview)) ? await images.get(progress.preview).catch(() => undefined) : undefined;
      if (!preview) return { text, buttons };
      // A preview is a small WebP; its name changes with the step so platforms see a new picture.
      const step = /\/(\d+)\.webp$/.exec(progress.preview!)?.[1] ?? String(progress.step);
      return { text, buttons, images: [{ filename: `${slug(job.params.prompt)}_preview_${step}.webp`, data: preview, ...(await imageSize(preview)), alt: `Preview: ${job.params.prompt}` }] };
    }
    case 'failed':
      // A withheld result is the requester's business only: adapters take the public status down and tell them privately.
      if (job.error === SAFETY_BLOCKED) return { text: lines(head, md`🙈 ${tr(SAFETY_BLOCKED)}`), ephemeral: true };
      // A fixed message (most failures) is said in the reader's language; one with details stays as stored.
      return { text: lines(head, md`❌ ${tr(job.error ?? JOB_FAILED)}`) };
    case 'cancelled':
      return { text: md`${head} (cancelled)` };
    case 'done': {
      const out = job.output;
      if (!out) return { text: lines(head, md`❌ The result of this job is missing.`) };
      const notes: MarkupPart[] = [...(out.spoiler ? [tr(SAFETY_SPOILER_NOTE)] : []), ...(out.warnings ?? [])];
      const text = lines(head, jobDetails(job), ...(notes.length ? [italic(joinMarkup(notes, '; '))] : []));
      if (!(await images.has(out.preview))) return { text: lines(text, md`This image has expired.`) };
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
            ...(out.spoiler ? { spoiler: true } : {}),
          },
          ...(await sourceThumbnail(job, images)),
        ],
        buttons: out.images.length > 1 ? gridButtons(job.id, out.images.length) : singleImageButtons(job.id, { width: out.width, height: out.height }),
      };
    }
  }
}
