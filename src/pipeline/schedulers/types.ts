import type { SchedulerName } from '../../core/samplers.js';

export type { SchedulerName };
/** A scheduler_config.json object as diffusers writes it (keys in snake_case). */
export type SchedulerConfig = Record<string, unknown>;

/** The generator a scheduler draws fresh noise from (see ../random.ts). */
export interface NoiseSource {
  randn(shape: number[]): Float32Array;
}

export interface SchedulerStepResult {
  prevSample: Float32Array;
  /** The model's estimate of the clean sample (diffusers' pred_original_sample / denoised). */
  denoised?: Float32Array;
}

/**
 * One diffusion sampler, mirroring a diffusers scheduler class with the same config.
 * Arrays are flat, in NCHW order; the batch is part of the array.
 */
export interface Scheduler {
  readonly name: SchedulerName;
  readonly config: SchedulerConfig;
  /** Standard deviation of the initial noise: 1 for DDPM-style samplers, sigma_max for Karras-style. */
  readonly initNoiseSigma: number;
  /** Timesteps fed to the UNet, in the order they are used (set by setTimesteps). */
  readonly timesteps: number[];
  /** 'epsilon' | 'v_prediction' | 'sample', from config.prediction_type. */
  readonly predictionType: string;
  setTimesteps(numInferenceSteps: number): void;
  /**
   * img2img: setTimesteps(steps), then start at index t_start = steps - min(floor(steps*strength), steps)
   * (times the scheduler's order) as diffusers' get_timesteps + set_begin_index do.
   * Returns the timesteps still to run; addNoise must then be called with the first of them.
   */
  setTimestepsForStrength(numInferenceSteps: number, strength: number): number[];
  scaleModelInput(sample: Float32Array, t: number): Float32Array;
  step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult;
  /** Noise a clean sample to timestep t (for img2img): diffusers' add_noise. */
  addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;
}

