// The inference thread: owns the ONNX sessions so session.run never blocks the caller's event loop.
import { parentPort } from 'node:worker_threads';
import { serializeError } from '../core/errors.js';
import { setSessionActivityCounter } from './onnx-session.js';
import { InThreadPipeline } from './pipeline.js';
import { ownBuffers, readFlag, type FromThread, type ToThread } from './thread-protocol.js';
import type { RgbImage } from './types.js';

const port = parentPort!;
let pipeline: InThreadPipeline | undefined;
/** Calls under way: the sessions are freed only once none is inside session.run. */
const inFlight = new Set<Promise<void>>();

function track(work: () => Promise<void>): Promise<void> {
  const p = work();
  inFlight.add(p);
  void p.finally(() => inFlight.delete(p));
  return p;
}

function send(msg: FromThread, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
}

/** Progress messages at most every 20 ms (plus the first and last step, and every preview); the caller replays the steps in between. */
function progressSender(id: number): (step: number, total: number, preview?: RgbImage) => void {
  let last = 0;
  return (step, total, preview) => {
    const now = performance.now();
    if (step === 1 || step === total || preview || now - last >= 20) {
      last = now;
      send({ type: 'step', id, step, total, preview }, preview ? ownBuffers([preview]) : []);
    }
  };
}

port.on('message', async (msg: ToThread) => {
  switch (msg.type) {
    case 'load': {
      setSessionActivityCounter(msg.activity);
      try {
        const log = (level: 'info' | 'warn', message: string) => send({ type: 'log', level, message });
        pipeline = await InThreadPipeline.load(msg.folder, { ...msg.options, log });
        send({ type: 'loaded', info: pipeline.info, device: pipeline.device });
      } catch (err) {
        send({ type: 'load-error', error: serializeError(err) });
      }
      return;
    }
    case 'generate':
    case 'upscale': {
      // The shared flag needs no event-loop turn here, so the loop runs without yielding between steps.
      const control = { cancelled: () => readFlag(msg.cancelFlag) === 1, yieldEachStep: false };
      await track(async () => {
        try {
          if (msg.type === 'generate') {
            const result = await pipeline!.generate({ ...msg.request, onStep: progressSender(msg.id) }, control);
            send({ type: 'result', id: msg.id, result }, ownBuffers(result.images));
          } else {
            const { image, warnings } = await pipeline!.upscale(msg.image, msg.factor, { refine: msg.refine }, control);
            send({ type: 'upscaled', id: msg.id, image, warnings }, ownBuffers([image]));
          }
        } catch (err) {
          send({ type: 'error', id: msg.id, error: serializeError(err) });
        }
      });
      return;
    }
    case 'generate-many':
      await track(async () => {
        const results = await pipeline!
          .generateMany(
            msg.calls.map((c) => ({ ...c.request, onStep: progressSender(c.id) })),
            msg.calls.map((c) => ({ cancelled: () => readFlag(c.cancelFlag) === 1, yieldEachStep: false })),
          )
          .catch((err: unknown) => msg.calls.map(() => err as Error));
        results.forEach((result, i) => {
          const id = msg.calls[i]!.id;
          if (result instanceof Error) send({ type: 'error', id, error: serializeError(result) });
          else send({ type: 'result', id, result }, ownBuffers(result.images));
        });
      });
      return;
    case 'classify':
      await track(async () => {
        try {
          send({ type: 'classified', id: msg.id, scores: await pipeline!.classify(msg.image) });
        } catch (err) {
          send({ type: 'error', id: msg.id, error: serializeError(err) });
        }
      });
      return;
    case 'release':
      // Freeing a session that a run is still inside crashes the process (a native error); wait.
      await Promise.allSettled([...inFlight]);
      await pipeline?.release();
      pipeline = undefined;
      send({ type: 'released' });
      return;
  }
});
