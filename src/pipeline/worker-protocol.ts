import type { ModelInfo } from './model.js';
import type { Device } from './onnx-session.js';
import type { GenerationRequest, GenerationResult, RgbImage } from './types.js';
import type { UpscaleFactor } from './upscale.js';

export interface WorkerLoadOptions {
  device?: Device;
  threads?: number;
  /** An ESRGAN-style ONNX file for upscale(); Lanczos when absent. */
  upscalerModel?: string;
}

/** Settings of the optional img2img pass after an upscale (the "hires fix"). */
export type RefineRequest = Omit<GenerationRequest, 'initImage' | 'onStep' | 'signal' | 'width' | 'height' | 'batch'>;

export type SerializedError = { name: string; message: string };

/**
 * A job's cancel flag: one Int32 the caller sets to 1. The worker polls it between steps, so a
 * cancel needs no event-loop turn inside the worker (session.run keeps that loop busy).
 */
export function createCancelFlag(): SharedArrayBuffer {
  return new SharedArrayBuffer(4);
}
export function setCancelFlag(flag: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(flag), 0, 1);
}
export function isCancelFlagSet(flag: SharedArrayBuffer | undefined): boolean {
  return flag !== undefined && Atomics.load(new Int32Array(flag), 0) === 1;
}

export type ToWorker =
  | { type: 'load'; dir: string; options: WorkerLoadOptions }
  | { type: 'generate'; id: number; request: Omit<GenerationRequest, 'onStep' | 'signal'>; cancelFlag?: SharedArrayBuffer }
  | { type: 'upscale'; id: number; image: RgbImage; factor: UpscaleFactor; refine?: RefineRequest; cancelFlag?: SharedArrayBuffer }
  | { type: 'cancel'; id: number }
  | { type: 'release' };

export type FromWorker =
  | { type: 'loaded'; info: ModelInfo; device: Device }
  | { type: 'load-error'; error: SerializedError }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'step'; id: number; step: number; total: number }
  | { type: 'result'; id: number; result: GenerationResult }
  | { type: 'upscaled'; id: number; image: RgbImage; warnings: string[] }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'released' };
