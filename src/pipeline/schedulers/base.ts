import { ConfigReader, npArange, roundHalfEven, trainingSchedule, type TrainingSchedule } from './numeric.js';
import type { NoiseSource, Scheduler, SchedulerConfig, SchedulerName, SchedulerStepResult } from './types.js';

export const PREDICTION_TYPES = ['epsilon', 'v_prediction', 'sample'] as const;
export const TIMESTEP_SPACINGS = ['leading', 'trailing', 'linspace'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export interface ClassDefaults {
  betaStart: number;
  betaEnd: number;
  betaSchedule: string;
  timestepSpacing: TimestepSpacing;
  /** diffusers pins ᾱ_T to 2^-24 after rescale_betas_zero_snr in the sigma-based schedulers only. */
  zeroSnrEpsilon: boolean;
}

/**
 * What every diffusers scheduler shares: the training schedule from the config, the timestep list,
 * and the step-index bookkeeping (begin index for img2img, else looked up from the timestep).
 */
export abstract class BaseScheduler implements Scheduler {
  abstract readonly name: SchedulerName;
  /** Model evaluations per timestep entry (1 for every scheduler here, as in diffusers). */
  readonly order = 1;
  readonly config: SchedulerConfig;
  protected readonly c: ConfigReader;
  protected readonly schedule: TrainingSchedule;
  readonly predictionType: string;
  readonly timestepSpacing: TimestepSpacing;
  readonly stepsOffset: number;
  protected timestepList: number[] = [];
  numInferenceSteps = 0;
  /** Items in the sample arrays, for per-item dynamic thresholding. */
  batchSize = 1;
  protected stepIndex: number | undefined;
  protected beginIndex: number | undefined;

  constructor(config: SchedulerConfig, defaults: ClassDefaults) {
    this.config = { ...config };
    this.c = new ConfigReader(this.config);
    this.schedule = trainingSchedule(this.c, defaults, defaults.zeroSnrEpsilon);
    this.predictionType = this.c.string('prediction_type', 'epsilon', PREDICTION_TYPES);
    this.timestepSpacing = this.c.string('timestep_spacing', defaults.timestepSpacing, TIMESTEP_SPACINGS);
    this.stepsOffset = this.c.number('steps_offset', 0);
  }

  /** Timesteps fed to the UNet, in the order they are used (set by setTimesteps; the training ones before). */
  get timesteps(): number[] {
    if (this.numInferenceSteps === 0 && this.timestepList.length === 0) this.timestepList = this.trainingTimesteps();
    return this.timestepList;
  }

  /** What diffusers' constructor puts in .timesteps: every training timestep, noisiest first. */
  protected trainingTimesteps(): number[] {
    return Array.from({ length: this.numTrainTimesteps }, (_, i) => this.numTrainTimesteps - 1 - i);
  }

  set timesteps(value: number[]) {
    this.timestepList = value;
  }

  get numTrainTimesteps(): number {
    return this.schedule.numTrainTimesteps;
  }

  get alphasCumprod(): Float32Array {
    return this.schedule.alphasCumprod;
  }

  abstract get initNoiseSigma(): number;
  abstract setTimesteps(numInferenceSteps: number): void;
  abstract step(modelOutput: Float32Array, t: number, sample: Float32Array, rng?: NoiseSource): SchedulerStepResult;
  abstract addNoise(original: Float32Array, noise: Float32Array, t: number): Float32Array;

  scaleModelInput(sample: Float32Array, _t: number): Float32Array {
    return sample;
  }

  protected checkSteps(n: number): void {
    if (!Number.isInteger(n) || n < 1) throw new Error(`number of steps must be a whole number of at least 1, not ${n}`);
    if (n > this.numTrainTimesteps) throw new Error(`${n} steps is more than the ${this.numTrainTimesteps} timesteps this model was trained with`);
  }

  /** diffusers' img2img get_timesteps: skip the first steps, then start the step counter there. */
  setTimestepsForStrength(numInferenceSteps: number, strength: number): number[] {
    this.setTimesteps(numInferenceSteps);
    const initTimestep = Math.min(Math.floor(numInferenceSteps * strength), numInferenceSteps);
    const tStart = Math.max(numInferenceSteps - initTimestep, 0);
    this.beginIndex = tStart * this.order;
    return this.timesteps.slice(tStart * this.order);
  }

  /** index_for_timestep: the second match when a timestep repeats, so img2img starting mid-schedule skips no sigma. */
  protected indexForTimestep(t: number): number | undefined {
    const matches: number[] = [];
    this.timesteps.forEach((v, i) => {
      if (v === t) matches.push(i);
    });
    if (matches.length === 0) return undefined;
    return matches[matches.length > 1 ? 1 : 0];
  }

  protected ensureStepIndex(t: number): number {
    if (this.stepIndex === undefined) {
      if (this.beginIndex !== undefined) this.stepIndex = this.beginIndex;
      else {
        const i = this.indexForTimestep(t);
        if (i === undefined) throw new Error(`timestep ${t} is not one of this ${this.name} schedule's timesteps`);
        this.stepIndex = i;
      }
    }
    return this.stepIndex;
  }

  /** The step index add_noise uses: the running one, the img2img start, or the timestep's own. */
  protected noiseIndex(t: number): number {
    if (this.beginIndex === undefined) {
      const i = this.indexForTimestep(t);
      if (i === undefined) throw new Error(`timestep ${t} is not one of this ${this.name} schedule's timesteps`);
      return i;
    }
    return this.stepIndex ?? this.beginIndex;
  }

  protected resetIndices(): void {
    this.stepIndex = undefined;
    this.beginIndex = undefined;
  }

  /** add_noise of the DDPM-style schedulers: √ᾱ_t·x₀ + √(1−ᾱ_t)·ε at integer timestep t. */
  protected addNoiseAlphaBar(original: Float32Array, noise: Float32Array, t: number): Float32Array {
    const a = this.alphasCumprod[t];
    if (a === undefined) throw new Error(`timestep ${t} is outside the training schedule (0..${this.numTrainTimesteps - 1})`);
    const sa = Math.fround(Math.sqrt(a));
    const sb = Math.fround(Math.sqrt(Math.fround(1 - a)));
    const out = new Float32Array(original.length);
    for (let k = 0; k < out.length; k++) out[k] = Math.fround(sa * original[k]!) + Math.fround(sb * noise[k]!);
    return out;
  }
}

/** 'leading' spacing, largest first: (arange(n) · (N // n)) + steps_offset, reversed. */
export function leadingTimesteps(n: number, numTrain: number, stepsOffset: number): number[] {
  const ratio = Math.floor(numTrain / n);
  return Array.from({ length: n }, (_, i) => i * ratio + stepsOffset).reverse();
}

/** 'trailing' spacing, largest first: round(arange(N, 0, −N/n)) − 1. */
export function trailingTimesteps(n: number, numTrain: number): number[] {
  return npArangeRounded(numTrain, n).map((v) => v - 1);
}

/** np.round(np.arange(numTrain, 0, -numTrain / n)): the trailing spacing before its −1. */
export function npArangeRounded(numTrain: number, n: number): number[] {
  return npArange(numTrain, 0, -numTrain / n).map(roundHalfEven);
}
