/**
 * The pipeline as the bot uses it: a loaded model that generates and upscales. By default its
 * sessions live in an inference thread (threaded.ts), so session.run never blocks the caller's
 * event loop; `inProcess` runs it in the calling thread (the thread itself, scripts, tests).
 */
import { DiffusionPipeline, type StepControl } from './diffusion.js';
import type { ModelDescription } from './model-folder.js';
import type { Device } from './onnx-session.js';
import { GenerationCancelledError, type GenerationRequest, type GenerationResult, type RgbImage } from './types.js';
import { ModelLoadError } from './errors.js';
import { DIFFUSERS_CHECKER, safetyVerdict } from '../core/safety.js';
import { DiffusersSafetyChecker, SafetyClassifier, type SafetyScores } from './safety.js';
import { Upscaler, type UpscaleFactor } from './upscale.js';

export interface PipelineLoadOptions {
  device?: Device;
  threads?: number;
  /** ESRGAN-style ONNX files for upscale() (the one of the asked scale is used); Lanczos when none loads. */
  upscalers?: readonly string[];
  /** The image safety classifier's ONNX file (see safety.ts); classify() gives undefined without one. */
  safetyModel?: string;
}

export interface PipelineOptions extends PipelineLoadOptions {
  /** Run in the calling thread instead of an inference thread (blocks the event loop during session.run). */
  inProcess?: boolean;
  log?: (level: 'info' | 'warn', message: string) => void;
}

/** Settings of the img2img pass after an upscale (the "hires fix"). */
export type RefineRequest = Omit<GenerationRequest, 'initImage' | 'onStep' | 'signal' | 'width' | 'height' | 'batch'>;

export interface UpscaleOptions {
  /** A low-strength img2img pass at the new size, to add detail (skipped with a warning when the model cannot do it). */
  refine?: RefineRequest;
  signal?: AbortSignal;
}

export interface UpscaleResult {
  image: RgbImage;
  warnings: string[];
}

/** A loaded model that makes images; see loadPipeline. */
export interface Pipeline {
  readonly info: ModelDescription;
  /** The execution provider in use after any fallback. */
  readonly device: Device;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  /**
   * Several requests at once, sharing UNet calls where they can (the same size, sampler and
   * steps): each gets its own result, or the error that stopped it alone.
   */
  generateMany(requests: readonly GenerationRequest[]): Promise<(GenerationResult | Error)[]>;
  upscale(image: RgbImage, factor: UpscaleFactor, options?: UpscaleOptions): Promise<UpscaleResult>;
  /** The safety classifier's scores for a picture; undefined when no classifier is configured. */
  classify(image: RgbImage): Promise<SafetyScores | undefined>;
  release(): Promise<void>;
}

/** The pipeline in the calling thread: the diffusion pipeline plus the upscaler session. */
export class InThreadPipeline implements Pipeline {
  private constructor(
    private readonly diffusion: DiffusionPipeline,
    private readonly upscaler: Upscaler,
    private readonly safety: SafetyClassifier | undefined,
    private readonly checker: DiffusersSafetyChecker | undefined,
  ) {}

  static async load(folder: string | ModelDescription, options: PipelineOptions = {}): Promise<InThreadPipeline> {
    const diffusion = await DiffusionPipeline.load(folder, { device: options.device, threads: options.threads, log: options.log });
    try {
      const sessionOptions = { device: options.device, threads: options.threads, log: options.log };
      const upscaler = await Upscaler.open(options.upscalers ?? [], sessionOptions);
      let safety: SafetyClassifier | undefined;
      try {
        safety = options.safetyModel ? await SafetyClassifier.open(options.safetyModel, sessionOptions) : undefined;
      } catch (err) {
        await upscaler.release();
        // No result may be posted unchecked: a classifier that does not load stops the model loading.
        throw new ModelLoadError(`the image safety classifier ${options.safetyModel} did not load (${(err as Error).message.split('\n')[0]}); fix or replace it (SAFETY_MODEL)`);
      }
      // A model that brings diffusers' own safety checker gets it run too (only where results are checked at all).
      const checkerFile = diffusion.info.components.safetyChecker?.file;
      const checker = safety && checkerFile ? await DiffusersSafetyChecker.open(checkerFile, sessionOptions) : undefined;
      return new InThreadPipeline(diffusion, upscaler, safety, checker);
    } catch (err) {
      await diffusion.release();
      throw err;
    }
  }

  get info(): ModelDescription {
    return this.diffusion.info;
  }

  get device(): Device {
    return this.diffusion.model.unet.device;
  }

  generate(request: GenerationRequest, control: StepControl = {}): Promise<GenerationResult> {
    return this.diffusion.generate(request, this.withPreviewCheck(request, control));
  }

  generateMany(requests: readonly GenerationRequest[], controls: readonly StepControl[] = []): Promise<(GenerationResult | Error)[]> {
    return this.diffusion.generateMany(requests, requests.map((r, i) => this.withPreviewCheck(r, controls[i] ?? {})));
  }

  /** Previews go out before the result's own check: the light classifier looks at each first. */
  private withPreviewCheck(request: GenerationRequest, control: StepControl): StepControl {
    const policy = request.preview?.safety;
    const safety = this.safety;
    if (!policy || !safety) return control;
    const previewAllowed = async (preview: RgbImage) => safetyVerdict(await safety.classify(preview), policy.policy, policy.threshold, policy.ageRestricted) === 'pass';
    return { ...control, previewAllowed };
  }

  async upscale(image: RgbImage, factor: UpscaleFactor, options: UpscaleOptions = {}, control?: StepControl): Promise<UpscaleResult> {
    const cancelled = control?.cancelled ?? (() => options.signal?.aborted === true);
    let out = await this.upscaler.upscale(image, factor, { cancelled });
    const warnings: string[] = [];
    if (options.refine) {
      try {
        const refined = await this.diffusion.generate(
          { ...options.refine, initImage: out, width: out.width, height: out.height, batch: 1, signal: options.signal },
          control,
        );
        out = refined.images[0]!;
      } catch (err) {
        if (err instanceof GenerationCancelledError) throw err;
        // A model that cannot work at the larger size still gives the plain upscale.
        warnings.push(`detail pass skipped: ${(err as Error).message}`);
      }
    }
    if (cancelled()) throw new GenerationCancelledError();
    return { image: out, warnings };
  }

  async classify(image: RgbImage): Promise<SafetyScores | undefined> {
    const scores = await this.safety?.classify(image);
    if (!scores || !this.checker) return scores;
    return { ...scores, [DIFFUSERS_CHECKER]: (await this.checker.flagged(image)) ? 1 : 0 };
  }

  async release(): Promise<void> {
    await this.diffusion.release();
    await this.upscaler.release();
    await this.safety?.release();
    await this.checker?.release();
  }
}

/**
 * Loads a model folder in the diffusers ONNX layout (a path, or its description from the
 * catalog). By default the sessions run in an inference thread, so the caller's event loop keeps
 * serving while images are made.
 */
export async function loadPipeline(folder: string | ModelDescription, options: PipelineOptions = {}): Promise<Pipeline> {
  if (options.inProcess) return InThreadPipeline.load(folder, options);
  const { ThreadedPipeline } = await import('./threaded.js');
  const p = new ThreadedPipeline(folder, options);
  await p.start();
  return p;
}
