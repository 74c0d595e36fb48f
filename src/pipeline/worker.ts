// Worker-thread entry: owns the ONNX sessions so session.run never blocks the main event loop.
import { parentPort } from 'node:worker_threads';
import { DiffusionPipeline } from './diffusion.js';
import { ModelSession } from './onnx-session.js';
import { upscale } from './upscale.js';
import type { ToWorker, FromWorker, SerializedError } from './worker-protocol.js';
import type { GenerationRequest, RgbImage } from './types.js';

const port = parentPort!;
let pipeline: DiffusionPipeline | undefined;
let upscaler: ModelSession | undefined;
const running = new Map<number, AbortController>();

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: 'Error', message: String(err) };
}

function transferables(images: RgbImage[]): ArrayBuffer[] {
  return images.map((i) => i.data.buffer as ArrayBuffer);
}

port.on('message', async (msg: ToWorker) => {
  switch (msg.type) {
    case 'load': {
      try {
        pipeline = await DiffusionPipeline.load(msg.dir, { device: msg.options.device, threads: msg.options.threads, log: (level, message) => send({ type: 'log', level, message }) });
        if (msg.options.upscalerModel) upscaler = await ModelSession.open(msg.options.upscalerModel, { device: msg.options.device, threads: msg.options.threads });
        send({ type: 'loaded', info: pipeline.info, device: pipeline.model.unet.device });
      } catch (err) {
        send({ type: 'load-error', error: serializeError(err) });
      }
      return;
    }
    case 'generate': {
      const controller = new AbortController();
      running.set(msg.id, controller);
      try {
        const request: GenerationRequest = { ...msg.request, signal: controller.signal, onStep: (step, total) => send({ type: 'step', id: msg.id, step, total }) };
        const result = await pipeline!.generate(request);
        send({ type: 'result', id: msg.id, result }, transferables(result.images));
      } catch (err) {
        send({ type: 'error', id: msg.id, error: serializeError(err) });
      } finally {
        running.delete(msg.id);
      }
      return;
    }
    case 'upscale': {
      try {
        let image = await upscale(msg.image, msg.factor, upscaler);
        const warnings: string[] = [];
        if (msg.refine) {
          try {
            const refined = await pipeline!.generate({ ...msg.refine, initImage: image, width: image.width, height: image.height, batch: 1 });
            image = refined.images[0]!;
          } catch (err) {
            // A model that cannot work at the larger size still gives the plain upscale.
            warnings.push(`detail pass skipped: ${(err as Error).message}`);
          }
        }
        send({ type: 'upscaled', id: msg.id, image, warnings }, transferables([image]));
      } catch (err) {
        send({ type: 'error', id: msg.id, error: serializeError(err) });
      }
      return;
    }
    case 'cancel':
      running.get(msg.id)?.abort();
      return;
    case 'release':
      await pipeline?.release();
      await upscaler?.release();
      send({ type: 'released' });
      return;
  }
});
