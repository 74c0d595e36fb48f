/**
 * The pipeline's public surface: what other parts of the bot and outside scripts import.
 * Everything here runs Stable-Diffusion-family ONNX models with diffusers' numbers.
 */
export { ClipTokenizer, CLIP_MAX_LENGTH, CLIP_CHUNK_TOKENS, cleanClipText } from './pipeline/tokenizer.js';
export type { ChunkOptions, ClipTokenizerConfig } from './pipeline/tokenizer.js';
export { writeClipTokenizerFolder, CLIP_BPE_FILE } from './pipeline/clip-vocab.js';
export { torchRandn, createTorchGenerator, TorchGenerator, Mt19937 } from './pipeline/random.js';
export { createScheduler, schedulerNameFromClass, isSchedulerName, SCHEDULER_NAMES, SCHEDULER_LABELS } from './pipeline/schedulers/index.js';
export type { NoiseSource, Scheduler, SchedulerConfig, SchedulerName, SchedulerStepResult } from './pipeline/schedulers/types.js';
export { loadPipeline } from './pipeline/pipeline.js';
export type { Pipeline, PipelineOptions, UpscaleOptions, UpscaleResult } from './pipeline/pipeline.js';
export type { RefineRequest } from './pipeline/worker-protocol.js';
export { DiffusionPipeline, resolveRequest } from './pipeline/diffusion.js';
export type { ResolvedRequest, StepControl } from './pipeline/diffusion.js';
export { inspectModelFolder } from './pipeline/model.js';
export type { GenerationDefaults, ModelFamily, ModelInfo, ModelLimits } from './pipeline/model.js';
export { ModelLoadError, RequestError } from './pipeline/errors.js';
export { GenerationCancelledError } from './pipeline/types.js';
export type { GeneratedImage, GenerationRequest, GenerationResult, RgbImage, StageTiming } from './pipeline/types.js';
export { DEVICES } from './pipeline/onnx-session.js';
export type { Device } from './pipeline/onnx-session.js';
export type { UpscaleFactor } from './pipeline/upscale.js';
export { DEFAULT_MODEL_DIR } from './config.js';
