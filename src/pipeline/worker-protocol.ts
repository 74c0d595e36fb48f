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

export type ToWorker =
  | { type: 'load'; dir: string; options: WorkerLoadOptions }
  | { type: 'generate'; id: number; request: Omit<GenerationRequest, 'onStep' | 'signal'> }
  | { type: 'upscale'; id: number; image: RgbImage; factor: UpscaleFactor; refine?: RefineRequest }
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
