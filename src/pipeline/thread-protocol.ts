/** The messages between ThreadedPipeline (caller's thread) and its inference thread. */
import * as workerThreads from 'node:worker_threads';
import type { SerializedError } from '../core/errors.js';
import type { ModelDescription } from './model-folder.js';
import type { Device } from './onnx-session.js';
import type { PipelineLoadOptions, RefineRequest } from './pipeline.js';
import type { GenerationRequest, GenerationResult, RgbImage } from './types.js';
import type { SafetyScores } from './safety.js';
import type { UpscaleFactor } from './upscale.js';

/**
 * Shared Int32 flags of one thread: [0] a job's cancel flag is per call (see below); this one
 * counts the sessions running now, so the caller can see the thread busy without asking it.
 */
export function createFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}
export function setFlag(flag: SharedArrayBuffer, value = 1): void {
  Atomics.store(new Int32Array(flag), 0, value);
}
export function readFlag(flag: SharedArrayBuffer | undefined): number {
  return flag === undefined ? 0 : Atomics.load(new Int32Array(flag), 0);
}

export type ToThread =
  | { type: 'load'; folder: string | ModelDescription; options: PipelineLoadOptions; activity: SharedArrayBuffer }
  /** cancelFlag: set to 1 by the caller; the thread polls it between steps (its own event loop is busy in session.run). */
  | { type: 'generate'; id: number; request: Omit<GenerationRequest, 'onStep' | 'signal'>; cancelFlag: SharedArrayBuffer }
  /** Requests that share UNet calls (generateMany): each with its own id for progress, result and cancel flag. */
  | { type: 'generate-many'; calls: { id: number; request: Omit<GenerationRequest, 'onStep' | 'signal'>; cancelFlag: SharedArrayBuffer }[] }
  | { type: 'upscale'; id: number; image: RgbImage; factor: UpscaleFactor; refine?: RefineRequest; cancelFlag: SharedArrayBuffer }
  | { type: 'classify'; id: number; image: RgbImage }
  | { type: 'release' };

export type FromThread =
  | { type: 'loaded'; info: ModelDescription; device: Device }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'step'; id: number; step: number; total: number; preview?: RgbImage }
  | { type: 'result'; id: number; result: GenerationResult }
  | { type: 'upscaled'; id: number; image: RgbImage; warnings: string[] }
  | { type: 'classified'; id: number; scores?: SafetyScores }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'released' };

/** Node 21+ marks buffers that may not move between threads (memory sharp allocates, Buffer pools); Node 20 has no mark and copies them. */
const isUntransferable: (buffer: ArrayBufferLike) => boolean =
  (workerThreads as { isMarkedAsUntransferable?: (o: object) => boolean }).isMarkedAsUntransferable ?? (() => false);

/**
 * The ArrayBuffers to move (not copy) with a message. Only whole buffers of our own can move: a
 * view into a larger or pooled buffer, or memory Node marks untransferable (sharp's output), is
 * copied into a buffer of its own first; postMessage would otherwise throw a DataCloneError.
 */
export function ownBuffers(images: RgbImage[]): ArrayBuffer[] {
  return images.map((img) => {
    const d = img.data;
    const own = d.byteOffset === 0 && d.byteLength === d.buffer.byteLength && d.buffer instanceof ArrayBuffer && !isUntransferable(d.buffer) && d.constructor === Uint8Array;
    if (!own) img.data = new Uint8Array(d);
    return img.data.buffer as ArrayBuffer;
  });
}
