/**
 * Runs one job on the pipeline: the only code that knows both jobs (kinds, source images, stored
 * outputs) and the pipeline. The queue calls it; it never touches a chat platform.
 */
import { md } from '../core/markup.js';
import type { AppConfig } from '../config.js';
import { UserError } from '../core/errors.js';
import type { JobOutput, JobRecord } from '../core/jobs.js';
import { DEFAULT_CEILINGS } from '../core/limits.js';
import { DEFAULT_NSFW_THRESHOLD, safetyVerdict, SAFETY_BLOCKED, unsafeScore, type SafetyVerdict } from '../core/safety.js';
import { displayScale, enlargeForDisplay, makeGrid, MIN_SINGLE_SIDE } from '../images/grid.js';
import { decodeToRgb, rgbToPng, withPngText } from '../images/png.js';
import { recipeText } from '../core/recipe.js';
import { keepOutside, outpaintCanvas, pasteWithFeather, regionMask } from '../images/zoom.js';
import { fitImage } from './image-prompts.js';
import { outpaintPlan } from './plans.js';
import type { Logger } from '../log/index.js';
import { refineSettings } from '../pipeline/capabilities.js';
import type { ModelCatalog } from '../pipeline/catalog.js';
import type { Device } from '../pipeline/providers.js';
import { loadPipeline, type Pipeline } from '../pipeline/pipeline.js';
import type { GenerationRequest, RgbImage } from '../pipeline/types.js';
import type { UpscaleFactor } from '../pipeline/upscale.js';
import type { JobRunner, RunContext, RunResult } from '../queue/types.js';
import { LivePreviews, PREVIEW_EVERY_MS } from './live-previews.js';
import type { ImageStore, JobStore } from '../store/types.js';

export interface PipelineRunnerOptions {
  models: ModelCatalog;
  images: ImageStore;
  jobs: JobStore;
  device?: Device;
  threads?: number;
  /** Upscaler files (AppConfig.UPSCALERS); Lanczos when empty. */
  upscalers?: readonly string[];
  /** The image safety classifier every result is checked with (AppConfig.SAFETY_MODEL); none when unset. */
  safetyModel?: string;
  /** MAX_UPSCALE_PIXELS: checked again here, for jobs queued before a limit was lowered. */
  maxUpscalePixels?: number;
  log?: Logger;
  /** Test seam: load pipelines in the calling thread. */
  inProcess?: boolean;
  /** PIPELINE_MAX_BATCH: jobs that may share one UNet call unless a model's imagine.json says otherwise. */
  maxBatch?: number;
}

/** A job's generation request: its parameters, progress to its context, previews to its live previews. */
function baseRequest(job: JobRecord, ctx: RunContext, live: LivePreviews): GenerationRequest {
  const p = job.params;
  // Jobs queued before previews existed (no snapshot) get them; the server's limit turns them off.
  const previews = p.previews !== false;
  return {
    prompt: p.prompt,
    negativePrompt: p.negativePrompt,
    seed: p.seed,
    steps: p.steps,
    guidance: p.guidance,
    width: p.width,
    height: p.height,
    batch: p.count,
    scheduler: p.scheduler,
    karras: p.karras,
    preview: previews ? { everyMs: PREVIEW_EVERY_MS[job.platform], safety: p.safety } : undefined,
    onStep: (step, total, preview) => {
      ctx.onProgress(step, total);
      if (preview) live.publish(step, total, preview);
    },
    signal: ctx.signal,
  };
}

export class PipelineJobRunner implements JobRunner {
  private readonly pipelines = new Map<string, Promise<Pipeline>>();

  constructor(private readonly options: PipelineRunnerOptions) {}

  /** The runner as the config asks for it (PIPELINE_DEVICE, PIPELINE_THREADS, UPSCALER_MODEL or the shipped upscalers). */
  static fromConfig(config: Pick<AppConfig, 'PIPELINE_DEVICE' | 'PIPELINE_THREADS' | 'UPSCALERS' | 'SAFETY_MODEL' | 'MAX_UPSCALE_PIXELS' | 'PIPELINE_MAX_BATCH'>, deps: Pick<PipelineRunnerOptions, 'models' | 'images' | 'jobs' | 'log' | 'inProcess'>): PipelineJobRunner {
    return new PipelineJobRunner({
      ...deps,
      device: config.PIPELINE_DEVICE as Device,
      threads: config.PIPELINE_THREADS || undefined,
      upscalers: config.UPSCALERS,
      safetyModel: config.SAFETY_MODEL,
      maxUpscalePixels: config.MAX_UPSCALE_PIXELS,
      maxBatch: config.PIPELINE_MAX_BATCH,
    });
  }

  /** The default model's name. */
  get defaultModel(): string {
    return this.options.models.defaultModel.name;
  }

  /** Loads a model ahead of the first job (start-up), so the first user does not wait for it. */
  async preload(model?: string): Promise<Pipeline> {
    return this.pipeline(model ?? this.options.models.defaultModel.name);
  }

  async release(): Promise<void> {
    const all = [...this.pipelines.values()];
    this.pipelines.clear();
    await Promise.all(all.map(async (p) => (await p.catch(() => undefined))?.release()));
  }

  private pipeline(name: string): Promise<Pipeline> {
    let p = this.pipelines.get(name);
    if (!p) {
      const entry = this.options.models.get(name);
      if (!entry) return Promise.reject(new UserError(md`Unknown model '${name}'.`, 'model-unknown'));
      const log = this.options.log;
      p = loadPipeline(entry, {
        device: this.options.device,
        threads: this.options.threads,
        upscalers: this.options.upscalers,
        safetyModel: this.options.safetyModel,
        inProcess: this.options.inProcess,
        log: (level, message) => log?.[level]({ model: name }, message),
      });
      // A failed load is not cached: the next job tries again.
      p.catch(() => this.pipelines.delete(name));
      this.pipelines.set(name, p);
    }
    return p;
  }

  /** Jobs like this one that may share UNet calls: imagine.json's maxBatch, else PIPELINE_MAX_BATCH; 1 for an export with a fixed batch axis. */
  batchLimit(model: string): number {
    const info = this.options.models.get(model);
    if (!info || info.unetBatch !== undefined) return 1;
    return info.maxBatchJobs ?? this.options.maxBatch ?? 1;
  }

  /**
   * Text-to-image jobs of one batch key together: their UNet calls are shared (generateMany),
   * then each is checked and stored as run() does. One that fails or is cancelled fails alone.
   */
  async runBatch(items: readonly { job: JobRecord; ctx: RunContext }[]): Promise<RunResult[]> {
    const started = performance.now();
    const lives = items.map(({ job, ctx }) => new LivePreviews(job.id, this.options.images, ctx, this.options.log));
    try {
      const pipeline = await this.pipeline(items[0]!.job.params.model);
      const results = await pipeline.generateMany(items.map(({ job, ctx }, i) => baseRequest(job, ctx, lives[i]!)));
      // The batch's generation time is shared by its jobs; checking and storing is each one's own.
      const share = (performance.now() - started) / items.length;
      const outcomes: RunResult[] = [];
      // One after another: the safety check and the encoders share the inference thread anyway.
      for (const [i, { job }] of items.entries()) {
        const own = performance.now();
        try {
          const r = results[i]!;
          if (r instanceof Error) throw r;
          await lives[i]!.close();
          const seeds = r.images.map((im) => im.seed);
          const spoiler = await this.checkSafety(job, r.images);
          const output = await this.store(job, r.images, seeds);
          const now = performance.now();
          outcomes.push({ ok: true, output: { ...output, ...(spoiler ? { spoiler } : {}), warnings: r.warnings, generationMs: now - started, workerMs: share + (now - own) } });
        } catch (err) {
          outcomes.push({ ok: false, err });
        }
      }
      return outcomes;
    } catch (err) {
      return items.map(() => ({ ok: false, err }));
    } finally {
      await Promise.all(lives.map((l) => l.close()));
    }
  }

  async run(job: JobRecord, ctx: RunContext): Promise<JobOutput> {
    const started = performance.now();
    const live = new LivePreviews(job.id, this.options.images, ctx, this.options.log);
    try {
      const { images, seeds, warnings, view } = await this.make(job, ctx, live);
      await live.close();
      const spoiler = await this.checkSafety(job, images);
      const output = await this.store(job, images, seeds, view);
      return { ...output, ...(spoiler ? { spoiler } : {}), warnings, generationMs: performance.now() - started };
    } finally {
      await live.close();
    }
  }

  /**
   * Every result goes through the image safety check before anything is stored: a picture the
   * server's policy blocks fails the job (nothing kept, the quota given back); one it spoilers
   * marks the output. Jobs queued before the policy was recorded get the default one.
   */
  private async checkSafety(job: JobRecord, images: RgbImage[]): Promise<boolean> {
    const pipeline = await this.pipeline(job.params.model);
    const { policy, threshold, ageRestricted } = job.params.safety ?? { policy: 'block', threshold: DEFAULT_NSFW_THRESHOLD, ageRestricted: false };
    const flagged: { index: number; unsafe: number }[] = [];
    let verdict: SafetyVerdict = 'pass';
    for (const [index, image] of images.entries()) {
      const scores = await pipeline.classify(image);
      if (!scores) return false;
      const v = safetyVerdict(scores, policy, threshold, ageRestricted);
      if (v === 'pass') continue;
      flagged.push({ index, unsafe: unsafeScore(scores) });
      if (v === 'block' || verdict === 'pass') verdict = v;
    }
    if (verdict === 'pass') return false;
    const unsafe = Math.max(...flagged.map((f) => f.unsafe));
    this.options.log?.info({ jobId: job.id, serverId: job.serverId, userId: job.userId, images: flagged.map((f) => f.index), unsafe, policy, threshold, verdict }, 'safety check flagged a result');
    // The flagged pictures are kept apart from the results, for the server's moderation log only (retention removes them with the job).
    const keys: string[] = [];
    for (const { index } of flagged) {
      const key = `${job.id}/flagged-${index}.png`;
      await this.options.images.put(key, await rgbToPng(images[index]!));
      keys.push(key);
    }
    await this.options.jobs.update(job.id, { moderation: { verdict, unsafe, images: keys } });
    if (verdict === 'block') throw new UserError(SAFETY_BLOCKED, 'nsfw-blocked');
    return true;
  }

  private async make(job: JobRecord, ctx: RunContext, live: LivePreviews): Promise<{ images: RgbImage[]; seeds: number[]; warnings: string[]; view?: RgbImage }> {
    const p = job.params;
    const pipeline = await this.pipeline(p.model);
    const base = baseRequest(job, ctx, live);
    switch (job.kind) {
      case 'imagine': {
        // An image prompt: the user's picture, stored with the job, is where the grid starts.
        const init = p.init && { initImage: await decodeToRgb(await this.options.images.get(p.init.image)), strength: p.init.strength };
        const r = await pipeline.generate({ ...base, ...init });
        return { images: r.images, seeds: r.images.map((i) => i.seed), warnings: r.warnings };
      }
      case 'variation': {
        const source = await this.sourceImage(job);
        if (p.region) {
          // Vary (Region): the region is repainted; outside it the picture stays the original's.
          const start = source.width === p.width && source.height === p.height ? source : await fitImage(source, p.width, p.height);
          const mask = regionMask(p.width, p.height, p.region);
          const r = await pipeline.generate({ ...base, initImage: start, strength: p.strength ?? 0.9, mask });
          const images = r.images.map((img) => ({ ...keepOutside(img, start, mask), seed: img.seed }));
          return { images, seeds: images.map((i) => i.seed), warnings: r.warnings };
        }
        const r = await pipeline.generate({ ...base, initImage: source, strength: p.strength ?? 0.75 });
        return { images: r.images, seeds: r.images.map((i) => i.seed), warnings: r.warnings };
      }
      case 'zoom': {
        const source = await this.sourceImage(job);
        // Jobs queued before pans and squares zoom out 2×.
        const plan = p.outpaint?.inner ?? outpaintPlan({ action: 'zo', variant: '2' }, p.width, p.height).outpaint.inner;
        const { canvas, inner } = await outpaintCanvas(source, p.width, p.height, plan);
        const r = await pipeline.generate({ ...base, initImage: canvas, strength: p.strength ?? 0.8 });
        // The user's picture stays as it was; only the new part comes from the model.
        const images = r.images.map((img) => ({ ...pasteWithFeather(img, inner, plan.left, plan.top), seed: img.seed }));
        return { images, seeds: images.map((i) => i.seed), warnings: r.warnings };
      }
      case 'upscale': {
        const source = await this.sourceImage(job);
        const factor = p.factor ?? 2;
        const [width, height] = [source.width * factor, source.height * factor];
        const ceiling = this.options.maxUpscalePixels ?? DEFAULT_CEILINGS.maxUpscalePixels;
        if (width * height > ceiling) {
          throw new UserError(md`Upscaling this image ${factor}× would make ${width}×${height}; this bot upscales to at most ${ceiling} pixels.`, 'upscale-size');
        }
        ctx.onProgress(0, 1);
        const settings = refineSettings(pipeline.info, width, height, p.steps);
        const refine = settings && { prompt: p.prompt, negativePrompt: p.negativePrompt, seed: p.seed, guidance: p.guidance, scheduler: p.scheduler, karras: p.karras, ...settings };
        const r = await pipeline.upscale(source, factor, { refine, signal: ctx.signal });
        const view = await this.viewCopy(pipeline, r.image, ctx.signal);
        ctx.onProgress(1, 1);
        return { images: [r.image], seeds: [p.seed], warnings: r.warnings, view };
      }
    }
  }

  /**
   * The copy an upscale is shown at when it is smaller than MIN_SINGLE_SIDE (a U1 of a 64-pixel
   * image): enlarged by the upscaler too, ×2 and ×4 steps, so the view keeps the detail it added.
   * Undefined when the image is large enough or the enlargement is not made of those steps
   * (store() then enlarges with Lanczos).
   */
  private async viewCopy(pipeline: Pipeline, image: RgbImage, signal?: AbortSignal): Promise<RgbImage | undefined> {
    let scale = displayScale(image.width, image.height, MIN_SINGLE_SIDE);
    const steps: UpscaleFactor[] = [];
    while (scale % 4 === 0) (steps.push(4), (scale /= 4));
    while (scale % 2 === 0) (steps.push(2), (scale /= 2));
    if (steps.length === 0 || scale !== 1) return undefined;
    let view = image;
    for (const step of steps) view = (await pipeline.upscale(view, step, { signal })).image;
    return view;
  }

  /** The image a variation, zoom or upscale starts from, from the source job's stored output. */
  private async sourceImage(job: JobRecord): Promise<RgbImage> {
    const src = job.params.source;
    if (!src) throw new Error(`${job.kind} job ${job.id} has no source image`);
    const sourceJob = await this.options.jobs.get(src.jobId);
    const key = sourceJob?.output?.images[src.index];
    if (!key || !(await this.options.images.has(key))) throw new UserError('The image this starts from has expired or was removed.', 'expired');
    return decodeToRgb(await this.options.images.get(key));
  }

  private async store(job: JobRecord, images: RgbImage[], seeds: number[], view?: RgbImage): Promise<Omit<JobOutput, 'warnings' | 'generationMs'>> {
    const { images: store } = this.options;
    const first = images[0]!;
    // Every PNG carries its recipe as A1111 writes it, so PNG Info (and ComfyUI) can make it again.
    const made = { ...job, output: { images: [], seeds, width: first.width, height: first.height, preview: '', previewWidth: 0, previewHeight: 0 } };
    const png = async (image: RgbImage, index: number) => withPngText(await rgbToPng(image), 'parameters', recipeText(made, index));
    const keys: string[] = [];
    for (let i = 0; i < images.length; i++) {
      const key = `${job.id}/${i}.png`;
      await store.put(key, await png(images[i]!, i));
      keys.push(key);
    }
    const out: Omit<JobOutput, 'warnings' | 'generationMs'> = { images: keys, seeds, width: first.width, height: first.height, preview: keys[0]!, previewWidth: first.width, previewHeight: first.height };
    if (images.length > 1) {
      const grid = await makeGrid(images);
      out.grid = `${job.id}/grid.png`;
      await store.put(out.grid, withPngText(grid.png, 'parameters', recipeText(made, 0)));
      Object.assign(out, { preview: out.grid, previewWidth: grid.width, previewHeight: grid.height });
    } else {
      const big = view ? { png: await rgbToPng(view), width: view.width, height: view.height } : await enlargeForDisplay(first, MIN_SINGLE_SIDE);
      if (big) {
        const key = `${job.id}/view.png`;
        await store.put(key, withPngText(big.png, 'parameters', recipeText(made, 0)));
        Object.assign(out, { preview: key, previewWidth: big.width, previewHeight: big.height });
      }
    }
    return out;
  }
}
