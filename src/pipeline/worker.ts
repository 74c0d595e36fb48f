// Worker-thread entry: owns the ONNX sessions so session.run never blocks the main event loop.
import { parentPort } from 'node:worker_threads';
import { DiffusionPipeline } from './diffusion.js';
import { ModelSession } from './onnx-session.js';
import { GenerationCancelledError, type GenerationRequest, type RgbImage } from './types.js';
import { upscale } from './upscale.js';
import { isCancelFlagSet, type FromWorker, type SerializedError, type ToWorker } from './worker-protocol.js';

const port = parentPort!;
let pipeline: DiffusionPipeline | undefined;
let upscaler: ModelSession | undefined;
/** Jobs in progress, and those of them cancelled by message (callers without a shared flag). */
const runningIds = new Set<number>();
const cancelledIds = new Set<number>();

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

/** The images' buffers to move (not copy) to the caller; a view into a shared buffer is copied first so nothing else is detached. */
function transferables(images: RgbImage[]): ArrayBuffer[] {
  return images.map((i) => {
    if (i.data.byteOffset !== 0 || i.data.byteLength !== i.data.buffer.byteLength) i.data = i.data.slice();
    return i.data.buffer as ArrayBuffer;
  });
}

/** Progress messages at most every 20 ms (plus the first and last step); the caller replays the steps in between. */
function progressSender(id: number): (step: number, total: number) => void {
  let last = 0;
  return (step, total) => {
    const now = performance.now();
    if (step === 1 || step === total || now - last >= 20) {
      last = now;
      send({ type: 'step', id, step, total });
    }
  };
}

function cancelCheck(id: number, flag: SharedArrayBuffer | undefined): () => boolean {
  runningIds.add(id);
  return () => isCancelFlagSet(flag) || cancelledIds.has(id);
}

function finished(id: number): void {
  runningIds.delete(id);
  cancelledIds.delete(id);
}

port.on('message', async (msg: ToWorker) => {
  switch (msg.type) {
    case 'load': {
      try {
        const log = (level: 'info' | 'warn', message: string) => send({ type: 'log', level, message });
        pipeline = await DiffusionPipeline.load(msg.dir, { device: msg.options.device, threads: msg.options.threads, log });
        if (msg.options.upscalerModel) upscaler = await ModelSession.open(msg.options.upscalerModel, { device: msg.options.device, threads: msg.options.threads, log });
        send({ type: 'loaded', info: pipeline.info, device: pipeline.model.unet.device });
      } catch (err) {
        send({ type: 'load-error', error: serializeError(err) });
      }
      return;
    }
    case 'generate': {
      const cancelled = cancelCheck(msg.id, msg.cancelFlag);
      try {
        const request: GenerationRequest = { ...msg.request, onStep: progressSender(msg.id) };
        // With a shared flag the loop needs no event-loop turns; without one, yield so 'cancel' messages arrive.
        const result = await pipeline!.generate(request, { cancelled, yieldEachStep: msg.cancelFlag === undefined });
        send({ type: 'result', id: msg.id, result }, transferables(result.images));
      } catch (err) {
        send({ type: 'error', id: msg.id, error: serializeError(err) });
      } finally {
        finished(msg.id);
      }
      return;
    }
    case 'upscale': {
      const cancelled = cancelCheck(msg.id, msg.cancelFlag);
      try {
        let image = await upscale(msg.image, msg.factor, upscaler);
        const warnings: string[] = [];
        if (msg.refine) {
          try {
            const refined = await pipeline!.generate(
              { ...msg.refine, initImage: image, width: image.width, height: image.height, batch: 1 },
              { cancelled, yieldEachStep: msg.cancelFlag === undefined },
            );
            image = refined.images[0]!;
          } catch (err) {
            if (err instanceof GenerationCancelledError) throw err;
            // A model that cannot work at the larger size still gives the plain upscale.
            warnings.push(`detail pass skipped: ${(err as Error).message}`);
          }
        }
        if (cancelled()) throw new GenerationCancelledError();
        send({ type: 'upscaled', id: msg.id, image, warnings }, transferables([image]));
      } catch (err) {
        send({ type: 'error', id: msg.id, error: serializeError(err) });
      } finally {
        finished(msg.id);
      }
      return;
    }
    case 'cancel':
      if (runningIds.has(msg.id)) cancelledIds.add(msg.id);
      return;
    case 'release':
      await pipeline?.release();
      await upscaler?.release();
      pipeline = undefined;
      upscaler = undefined;
      send({ type: 'released' });
      return;
  }
});
