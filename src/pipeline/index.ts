/**
 * The pipeline's public face: what the rest of the bot and outside scripts import. Everything
 * here runs Stable-Diffusion-family ONNX models with diffusers' numbers, and knows nothing of chats.
 */
export { ClipTokenizer, CLIP_MAX_LENGTH, CLIP_CHUNK_TOKENS, cleanClipText } from './tokenizer.js';
export type { ChunkOptions, ClipTokenizerConfig } from './tokenizer.js';
export { writeClipTokenizerFolder, CLIP_BPE_FILE } from './clip-vocab.js';
export { torchRandn, createTorchGenerator, TorchGenerator, Mt19937 } from './random.js';
export { createScheduler, schedulerNameFromClass } from './schedulers/index.js';
export { SCHEDULER_NAMES, SCHEDULER_LABELS, isSchedulerName } from '../core/samplers.js';
export type { NoiseSource, Scheduler, SchedulerConfig, SchedulerName, SchedulerStepResult } from './schedulers/types.js';
export { loadPipeline, InThreadPipeline } from './pipeline.js';
export type { Pipeline, PipelineOptions, RefineRequest, UpscaleOptions, UpscaleResult } from './pipeline.js';
export { DiffusionPipeline, resolveRequest } from './diffusion.js';
export type { ResolvedRequest, StepControl } from './diffusion.js';
export { ModelCatalog, type SkippedFolder } from './catalog.js';
export { readModelFolder } from './model-folder.js';
export type { ModelDescription } from './model-folder.js';
export { checkGeneration, refineSettings, sizeFor, sizeForAspectRatio } from './capabilities.js';
export type { GenerationDefaults, ModelCapabilities, ModelFamily, ModelLimits } from './capabilities.js';
export { readOnnxMetadata } from './onnx-metadata.js';
export type { OnnxMetadata, OnnxTensorInfo } from './onnx-metadata.js';
export { ModelLoadError } from './errors.js';
export { GenerationCancelledError } from './types.js';
export type { GeneratedImage, GenerationRequest, GenerationResult, RgbImage, StageTiming } from './types.js';
export { DEVICES, gpuOnlyOps } from './providers.js';
export type { Device } from './providers.js';
export { SafetyClassifier, type SafetyScores } from './safety.js';
export { EDGE_PADDING, Upscaler, UpscalerModel, lanczosResize, type UpscaleFactor, type TileOptions } from './upscale.js';
