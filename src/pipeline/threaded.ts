/**
 * The pipeline with its sessions in an inference thread (inference-thread.ts): this side forwards
 * requests, replays progress, sets cancel flags and revives errors, so callers see the same
 * Pipeline as in their own thread. A thread that dies fails its calls; the next call starts a new one.
 */
import type { Worker } from 'node:worker_threads';
import { UserError, type SerializedError } from '../core/errors.js';
import { spawnWorker } from '../util/worker-thread.js';
import { ModelLoadError } from './errors.js';
import type { ModelDescription } from './model-folder.js';
import type { Device } from './onnx-session.js';
import type { Pipeline, PipelineOptions, UpscaleOptions, UpscaleResult } from './pipeline.js';
import { createFlag, ownBuffers, readFlag, setFlag, type FromThread, type ToThread } from './thread-protocol.js';
import { GenerationCancelledError, type GenerationRequest, type GenerationResult, type RgbImage } from './types.js';
import type { SafetyScores } from './safety.js';
import type { UpscaleFactor } from './upscale.js';

function reviveError(e: SerializedError): Error {
  switch (e.name) {
    case 'UserError':
      return new UserError(e.markup ?? e.message, e.reason);
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
  /** The call's shared cancel flag, set when the pipeline is released under it. */
  cancelFlag?: SharedArrayBuffer;
  resolve: (msg: FromThread) => void;
  reject: (err: Error) => void;
  onStep?: (step: number, total: number, preview?: RgbImage) => void;
  lastStep?: number;
}

export class ThreadedPipeline implements Pipeline {
  private thread?: Worker;
  private ready?: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Sessions running in the thread now (see setSessionActivityCounter). */
  private readonly activity = createFlag();
  info!: ModelDescription;
  device: Device = 'cpu';

  constructor(
    private readonly folder: string | ModelDescription,
    private readonly options: PipelineOptions,
  ) {}

  /** Whether the thread is inside session.run at this moment. */
  get busy(): boolean {
    return readFlag(this.activity) > 0;
  }

  start(): Promise<void> {
    this.ready ??= new Promise<void>((resolve, reject) => {
      const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
      const thread = spawnWorker(new URL(`./inference-thread${ext}`, import.meta.url));
      this.thread = thread;
      let loaded = false;
      thread.on('message', (msg: FromThread) => {
        switch (msg.type) {
          case 'loaded':
            loaded = true;
            this.info = msg.info;
            this.device = msg.device;
            resolve();
            return;
          case 'load-error':
            reject(reviveError(msg.error));
            void thread.terminate();
            return;
          case 'log':
            this.options.log?.(msg.level, msg.message);
            return;
          case 'step': {
            // The thread batches fast steps; report each one, in order.
            const p = this.pending.get(msg.id);
            if (!p?.onStep) return;
            for (let s = (p.lastStep ?? 0) + 1; s <= msg.step; s++) p.onStep(s, msg.total, s === msg.step ? msg.preview : undefined);
            p.lastStep = msg.step;
            return;
          }
          case 'result':
          case 'upscaled':
          case 'classified':
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
        const err = new Error(`the inference thread stopped: ${why}`);
        if (!loaded) reject(err);
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
        this.ready = undefined;
        this.thread = undefined;
      };
      thread.on('error', (err) => fail(err.message));
      thread.on('exit', (code) => {
        if (this.thread === thread) fail(`exit code ${code}`);
      });
      const { log: _log, inProcess: _inProcess, ...load } = this.options;
      this.post({ type: 'load', folder: this.folder, options: load, activity: this.activity });
    });
    return this.ready;
  }

  private post(msg: ToThread, transfer: ArrayBuffer[] = []): void {
    this.thread!.postMessage(msg, transfer);
  }

  /** Sends one call; its signal sets the call's shared cancel flag, which the thread checks between steps. */
  private call(msg: Extract<ToThread, { type: 'generate' | 'upscale' | 'classify' }>, transfer: ArrayBuffer[], onStep?: Pending['onStep'], signal?: AbortSignal): Promise<FromThread> {
    return new Promise<FromThread>((resolve, reject) => {
      if (signal?.aborted) return reject(new GenerationCancelledError());
      const onAbort = () => 'cancelFlag' in msg && setFlag(msg.cancelFlag);
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(msg.id, {
        resolve: (m) => (done(), resolve(m)),
        reject: (e) => (done(), reject(e)),
        onStep,
        ...('cancelFlag' in msg ? { cancelFlag: msg.cancelFlag } : {}),
      });
      this.post(msg, transfer);
    });
  }

  async generate(request: GenerationRequest): Promise<GenerationResult> {
    await this.start();
    const { onStep, signal, ...rest } = request;
    // A copy of the init image moves to the thread; the caller keeps its own.
    const initImage = rest.initImage ? { ...rest.initImage, data: new Uint8Array(rest.initImage.data) } : undefined;
    const msg = await this.call(
      { type: 'generate', id: this.nextId++, request: { ...rest, initImage }, cancelFlag: createFlag() },
      initImage ? ownBuffers([initImage]) : [],
      onStep,
      signal,
    );
    return (msg as Extract<FromThread, { type: 'result' }>).result;
  }

  async generateMany(requests: readonly GenerationRequest[]): Promise<(GenerationResult | Error)[]> {
    await this.start();
    const calls = requests.map((request) => {
      const { onStep, signal, ...rest } = request;
      const initImage = rest.initImage ? { ...rest.initImage, data: new Uint8Array(rest.initImage.data) } : undefined;
      return { id: this.nextId++, request: { ...rest, initImage }, cancelFlag: createFlag(), onStep, signal };
    });
    // Each request waits on its own id; one message starts them all.
    const waits = calls.map((c) =>
      new Promise<GenerationResult>((resolve, reject) => {
        if (c.signal?.aborted) setFlag(c.cancelFlag);
        const onAbort = () => setFlag(c.cancelFlag);
        c.signal?.addEventListener('abort', onAbort, { once: true });
        const done = () => c.signal?.removeEventListener('abort', onAbort);
        this.pending.set(c.id, {
          resolve: (m) => (done(), resolve((m as Extract<FromThread, { type: 'result' }>).result)),
          reject: (e) => (done(), reject(e)),
          onStep: c.onStep,
          cancelFlag: c.cancelFlag,
        });
      }).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))),
    );
    const images = calls.flatMap((c) => (c.request.initImage ? [c.request.initImage] : []));
    this.post({ type: 'generate-many', calls: calls.map(({ id, request, cancelFlag }) => ({ id, request, cancelFlag })) }, ownBuffers(images));
    return Promise.all(waits);
  }

  async upscale(image: RgbImage, factor: UpscaleFactor, options: UpscaleOptions = {}): Promise<UpscaleResult> {
    await this.start();
    const copy = { ...image, data: new Uint8Array(image.data) };
    const msg = await this.call(
      { type: 'upscale', id: this.nextId++, image: copy, factor, refine: options.refine, cancelFlag: createFlag() },
      ownBuffers([copy]),
      undefined,
      options.signal,
    );
    const m = msg as Extract<FromThread, { type: 'upscaled' }>;
    return { image: m.image, warnings: m.warnings };
  }

  async classify(image: RgbImage): Promise<SafetyScores | undefined> {
    await this.start();
    const copy = { ...image, data: new Uint8Array(image.data) };
    const msg = await this.call({ type: 'classify', id: this.nextId++, image: copy }, ownBuffers([copy]));
    return (msg as Extract<FromThread, { type: 'classified' }>).scores;
  }

  /** Frees the sessions inside the thread, then stops it (a stuck thread is stopped after a few seconds anyway). */
  async release(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    this.ready = undefined;
    if (!thread) return;
    // Work in flight stops at its next step; the thread frees the sessions only after it has.
    for (const p of this.pending.values()) if (p.cancelFlag) setFlag(p.cancelFlag);
    await new Promise<void>((resolve) => {
      const timeout = setTimeout(resolve, 5000);
      thread.on('message', (m: FromThread) => {
        if (m.type === 'released') {
          clearTimeout(timeout);
          resolve();
        }
      });
      thread.postMessage({ type: 'release' } satisfies ToThread);
    });
    await thread.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the pipeline was released'));
    this.pending.clear();
  }
}
