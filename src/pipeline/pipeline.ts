import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../util/worker-thread.js';
import { DiffusionPipeline } from './diffusion.js';
import { ModelLoadError, RequestError } from './errors.js';
import type { ModelInfo } from './model.js';
import { ModelSession, type Device } from './onnx-session.js';
import { GenerationCancelledError, type GenerationRequest, type GenerationResult, type RgbImage } from './types.js';
import { upscale, type UpscaleFactor } from './upscale.js';
import { createCancelFlag, setCancelFlag, type FromWorker, type RefineRequest, type SerializedError, type ToWorker, type WorkerLoadOptions } from './worker-protocol.js';

export interface PipelineOptions extends WorkerLoadOptions {
  /** Run in the calling thread instead of a worker (blocks the event loop during session.run). */
  inProcess?: boolean;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface UpscaleOptions {
  /** A low-strength img2img pass at the new size, to add detail (skipped when the model cannot work at that size). */
  refine?: RefineRequest;
  signal?: AbortSignal;
}

export interface UpscaleResult {
  image: RgbImage;
  warnings: string[];
}

/** A loaded model that makes images; see loadPipeline. */
export interface Pipeline {
  readonly info: ModelInfo;
  /** The execution provider in use after any fallback. */
  readonly device: Device;
  generate(request: GenerationRequest): Promise<GenerationResult>;
  upscale(image: RgbImage, factor: UpscaleFactor, options?: UpscaleOptions): Promise<UpscaleResult>;
  release(): Promise<void>;
}

function reviveError(e: SerializedError): Error {
  switch (e.name) {
    case 'RequestError':
      return new RequestError(e.message);
    case 'ModelLoadError':
      return new ModelLoadError(e.message);
    case 'GenerationCancelledError':
      return new GenerationCancelledError();
    default: {
      const err = new Error(e.message);
      err.name = e.name;
      return err;
    }
  }
}

interface Pending {
  resolve: (msg: FromWorker) => void;
  reject: (err: Error) => void;
  onStep?: (step: number, total: number) => void;
  lastStep?: number;
}

/** The model's sessions live in a worker thread; this side forwards requests, progress and cancellation. */
class WorkerPipeline implements Pipeline {
  private worker?: Worker;
  private ready?: Promise<void>;
  private pending = new Map<number, Pending>();
  private nextId = 1;
  info!: ModelInfo;
  device: Device = 'cpu';

  constructor(private dir: string, private options: PipelineOptions) {}

  start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
      const worker = spawnWorker(new URL(`./worker${ext}`, import.meta.url));
      this.worker = worker;
      let loaded = false;
      worker.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'loaded':
            loaded = true;
            this.info = msg.info;
            this.device = msg.device;
            resolve();
            return;
          case 'load-error':
            reject(reviveError(msg.error));
            void worker.terminate();
            return;
          case 'log':
            this.options.log?.(msg.level, msg.message);
            return;
          case 'step': {
            // The worker batches fast steps; report each one, in order.
            const p = this.pending.get(msg.id);
            if (!p?.onStep) return;
            for (let s = (p.lastStep ?? 0) + 1; s <= msg.step; s++) p.onStep(s, msg.total);
            p.lastStep = msg.step;
            return;
          }
          case 'result':
          case 'upscaled':
          case 'error': {
            const p = this.pending.get(msg.id);
            this.pending.delete(msg.id);
            if (!p) return;
            if (msg.type === 'error') p.reject(reviveError(msg.error));
            else p.resolve(msg);
            return;
          }
          case 'released':
            return;
        }
      });
      const fail = (why: string) => {
        const err = new Error(`the image worker stopped: ${why}`);
        if (!loaded) reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        // The next request starts a fresh worker.
        this.ready = undefined;
        this.worker = undefined;
      };
      worker.on('error', (err) => fail(err.message));
      worker.on('exit', (code) => {
        if (this.worker === worker) fail(`exit code ${code}`);
      });
      const { log: _log, inProcess: _inProcess, ...load } = this.options;
      this.post({ type: 'load', dir: this.dir, options: load });
    });
    return this.ready;
  }

  private post(msg: ToWorker, transfer: ArrayBuffer[] = []): void {
    this.worker!.postMessage(msg, transfer);
  }

  /** Sends one job; its signal sets the job's shared cancel flag, which the worker checks between steps. */
  private call(msg: Extract<ToWorker, { type: 'generate' | 'upscale' }>, transfer: ArrayBuffer[], onStep?: Pending['onStep'], signal?: AbortSignal): Promise<FromWorker> {
    return new Promise<FromWorker>((resolve, reject) => {
      if (signal?.aborted) return reject(new GenerationCancelledError());
      const flag = createCancelFlag();
      const onAbort = () => setCancelFlag(flag);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(msg.id, {
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
        onStep,
      });
      this.post({ ...msg, cancelFlag: flag }, transfer);
    });
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    await this.start();
    const { onStep, signal, ...rest } = request;
    // Copy the init image so the caller keeps its buffer after the transfer.
    const initImage = rest.initImage ? { ...rest.initImage, data: rest.initImage.data.slice() } : undefined;
    const msg = await this.call({ type: 'generate', id: this.nextId++, request: { ...rest, initImage } }, initImage ? [initImage.data.buffer as ArrayBuffer] : [], onStep, signal);
    return (msg as Extract<FromWorker, { type: 'result' }>).result;
  }

  async upscale(image: RgbImage, factor: UpscaleFactor, options: UpscaleOptions = {}): Promise<UpscaleResult> {
    await this.start();
    const copy = { ...image, data: image.data.slice() };
    const msg = await this.call({ type: 'upscale', id: this.nextId++, image: copy, factor, refine: options.refine }, [copy.data.buffer as ArrayBuffer], undefined, options.signal);
    const m = msg as Extract<FromWorker, { type: 'upscaled' }>;
    return { image: m.image, warnings: m.warnings };
  }

  /** Frees the sessions inside the worker, then stops it (a stuck worker is stopped after a few seconds anyway). */
  async release(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.ready = undefined;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, 5000);
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'released') {
          clearTimeout(timeout);
          resolve();
        }
      });
      worker.postMessage({ type: 'release' } satisfies ToWorker);
    });
    await worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the pipeline was released'));
    this.pending.clear();
  }
}

/** The same interface in the calling thread, for the worker itself and for scripts that want no thread. */
class InProcessPipeline implements Pipeline {
  constructor(private pipeline: DiffusionPipeline, private upscaler?: ModelSession) {}
  get info(): ModelInfo {
    return this.pipeline.info;
  }
  get device(): Device {
    return this.pipeline.model.unet.device;
  }
  generate(request: GenerationRequest): Promise<GenerationResult> {
    return this.pipeline.generate(request);
  }
  async upscale(image: RgbImage, factor: UpscaleFactor, options: UpscaleOptions = {}): Promise<UpscaleResult> {
    let out = await upscale(image, factor, this.upscaler);
    const warnings: string[] = [];
    if (options.refine) {
      try {
        out = (await this.pipeline.generate({ ...options.refine, initImage: out, width: out.width, height: out.height, batch: 1, signal: options.signal })).images[0]!;
      } catch (err) {
        if (err instanceof GenerationCancelledError) throw err;
        warnings.push(`detail pass skipped: ${(err as Error).message}`);
      }
    }
    return { image: out, warnings };
  }
  async release(): Promise<void> {
    await this.pipeline.release();
    await this.upscaler?.release();
  }
}

/**
 * Loads a model folder in the diffusers ONNX layout. By default the sessions run in a worker
 * thread, so the caller's event loop keeps serving while images are made.
 */
export async function loadPipeline(dir: string, options: PipelineOptions = {}): Promise<Pipeline> {
  if (options.inProcess) {
    const pipeline = await DiffusionPipeline.load(dir, { device: options.device, threads: options.threads, log: options.log });
    const upscaler = options.upscalerModel ? await ModelSession.open(options.upscalerModel, { device: options.device, threads: options.threads }) : undefined;
    return new InProcessPipeline(pipeline, upscaler);
  }
  const p = new WorkerPipeline(dir, options);
  await p.start();
  return p;
}
